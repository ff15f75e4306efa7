import type { Names as NamesT } from '../api';

const LANGS: { code: keyof NamesT; label: string; lang: string }[] = [
  { code: 'en', label: 'English', lang: 'en' },
  { code: 'fr', label: 'French', lang: 'fr' },
  { code: 'zh', label: 'Chinese', lang: 'zh-Hans' },
];

/** The names of a mandate or agenda item in every language the API returns. */
export function NamesList({ names }: { names: NamesT }) {
  const present = LANGS.filter((l) => names[l.code]);
  if (present.length === 0) return <p>—</p>;
  return (
    <dl className="names" data-testid="names">
      {present.map((l) => (
        <div key={l.code} className="names-row">
          <dt>{l.label}</dt>
          <dd lang={l.lang} data-testid={`name-${l.code}`}>
            {names[l.code]}
          </dd>
        </div>
      ))}
    </dl>
  );
}
