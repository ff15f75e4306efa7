// Shared read queries (React Query) used by several pages.
import { useQuery } from '@tanstack/react-query';
import { api, type AgendaItem } from './api';

export const keys = {
  clock: ['clock'] as const,
  agendaItems: ['agenda-items'] as const,
  mandates: ['mandates'] as const,
};

export function useClock() {
  return useQuery({ queryKey: keys.clock, queryFn: api.clock, refetchInterval: 30_000 });
}

export function useAgendaItems() {
  return useQuery({ queryKey: keys.agendaItems, queryFn: api.agendaItems, staleTime: 5 * 60_000 });
}

export function useMandateList() {
  return useQuery({ queryKey: [...keys.mandates, 'all'], queryFn: () => api.mandates({ limit: 500 }), staleTime: 60_000 });
}

export function agendaItemName(items: AgendaItem[] | undefined, id: string | null | undefined): string {
  if (!id) return '—';
  const item = items?.find((a) => a.id === id);
  return item?.names.en || item?.names.fr || item?.names.zh || id;
}
