import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setApiKey, setUnauthorizedHandler, type Me, type Role } from './api';

const STORAGE_KEY = 'mandate-watch.apiKey';

type AuthState =
  | { status: 'checking' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; me: Me };

type AuthContextValue = {
  state: AuthState;
  signIn: (key: string) => Promise<void>;
  signOut: (notice?: string) => void;
};

const AuthContext = createContext<AuthContextValue | null>(null);

function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthState>(() => (readStoredKey() ? { status: 'checking' } : { status: 'signed-out' }));

  const signOut = useCallback(
    (notice?: string) => {
      sessionStorage.removeItem(STORAGE_KEY);
      setApiKey(null);
      queryClient.clear();
      setState({ status: 'signed-out', notice });
    },
    [queryClient],
  );

  const signIn = useCallback(async (key: string) => {
    const me = await api.me(key); // throws ApiError (401 → invalid key)
    sessionStorage.setItem(STORAGE_KEY, key);
    setApiKey(key);
    setState({ status: 'signed-in', me });
  }, []);

  // Restore a session from sessionStorage (validates the key again).
  useEffect(() => {
    const key = readStoredKey();
    if (!key) return;
    let cancelled = false;
    api
      .me(key)
      .then((me) => {
        if (cancelled) return;
        setApiKey(key);
        setState({ status: 'signed-in', me });
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.status === 401) {
          signOut('Your API key is no longer valid. Please sign in again.');
        } else {
          setState({ status: 'signed-out', notice: e instanceof Error ? e.message : 'Could not check your API key.' });
        }
      });
    return () => {
      cancelled = true;
    };
  }, [signOut]);

  useEffect(() => {
    setUnauthorizedHandler(() => signOut('Your API key was rejected (revoked or invalid). Please sign in again.'));
    return () => setUnauthorizedHandler(null);
  }, [signOut]);

  const value = useMemo(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** The signed-in user (only valid inside the signed-in part of the app). */
export function useMe(): Me {
  const { state } = useAuth();
  if (state.status !== 'signed-in') throw new Error('useMe while signed out');
  return state.me;
}

/** True when the signed-in user has at least `role`. */
export function useCan(role: Role): boolean {
  const { state } = useAuth();
  return state.status === 'signed-in' && RANK[state.me.role] >= RANK[role];
}
