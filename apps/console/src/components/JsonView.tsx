/** Pretty-printed JSON inside a <pre> (text only — React escapes it). */
export function JsonView({ value, testId = 'json' }: { value: unknown; testId?: string }) {
  return (
    <pre className="json" data-testid={testId}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
