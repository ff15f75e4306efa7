/**
 * The closed vocabularies of the domain, as plain constants with no imports, so that the
 * browser console (apps/console) can use the very same lists as the server's schemas instead
 * of a copy that could drift.
 */

export const MANDATE_TYPES = [
  'peace_operation',
  'special_political_mission',
  'sanctions_measures',
  'panel_of_experts',
  'authorization',
  'other',
] as const;
export type MandateType = (typeof MANDATE_TYPES)[number];

export const DECISION_KINDS = ['resolution', 'presidential_statement', 'other'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export const MEETING_FORMATS = ['briefing', 'debate', 'adoption', 'videoconference', 'other'] as const;

/** Event types in their documented order (libs/domain `EVENT_SCHEMAS` has one schema for each). */
export const EVENT_TYPE_NAMES = [
  'MeetingHeld',
  'DecisionAdopted',
  'MandateEstablished',
  'MandateExtended',
  'MandateTerminated',
  'ReportRequested',
  'FactCorrected',
] as const;

export const ALERT_KINDS = [
  'expiry_reminder',
  'report_due',
  'mandate_extended',
  'mandate_established',
  'mandate_terminated',
  'mandate_expired',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
