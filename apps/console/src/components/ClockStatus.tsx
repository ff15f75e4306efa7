import { Link } from 'react-router';
import { useCan } from '../auth';
import { formatInstant } from '../format';
import { useClock } from '../queries';

/** Header notice: shown only when the business clock is not real time (or cannot be read). */
export function ClockStatus() {
  const clock = useClock();
  const isAdmin = useCan('admin');
  if (clock.isError) {
    return (
      <div className="clock-banner warning" role="status" data-testid="clock-banner">
        Business clock unavailable.
      </div>
    );
  }
  if (!clock.data || clock.data.realTime) return null;
  return (
    <div className="clock-banner" role="status" data-testid="clock-banner">
      <span>
        Business clock: <strong data-testid="clock-now">{formatInstant(clock.data.now)}</strong> (not real time)
      </span>
      {isAdmin && clock.data.controlled && (
        <Link to="/clock" className="clock-link">
          Move clock
        </Link>
      )}
    </div>
  );
}
