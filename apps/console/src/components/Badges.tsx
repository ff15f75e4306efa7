import { countdownText, urgency } from '../format';

export function CountdownBadge({ daysLeft }: { daysLeft: number | null | undefined }) {
  if (daysLeft === null || daysLeft === undefined) return null;
  const level = urgency(daysLeft);
  return (
    <span className={`badge urgency-${level}`} data-testid="countdown-badge" data-urgency={level} data-days-left={daysLeft}>
      {countdownText(daysLeft)}
    </span>
  );
}

export function StatusBadge({ status, testId = 'status-badge' }: { status: string; testId?: string }) {
  return (
    <span className={`badge status-${status.replace(/[^a-z_]/gi, '')}`} data-testid={testId} data-status={status}>
      {status.replace(/_/g, ' ')}
    </span>
  );
}
