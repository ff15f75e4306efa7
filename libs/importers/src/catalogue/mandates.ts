import type { CatalogueEntry, TrilingualNames } from './types.js';

/*
 * The base catalogue. Only facts the authors were sure of are filled in; everything else is null
 * (a user's CSV can add it). `sources` says where each entry's names and establishing decision
 * come from:
 *  - `S/RES/…`: the establishing (or authorising) resolution;
 *  - `seed:repertoire-2020-mali-haiti.zh`: the bundled Chinese Repertoire excerpt, which spells
 *    the Chinese full and short names (联合国马里多层面综合稳定团 (马里稳定团), 联合国海地综合办事处
 *    (联海综合办)) and the sanctions wording;
 *  - `zh.wikipedia`, `zh.wikisource`, `xinhua (via search)`: checked through the search tool
 *    against stored copies of those pages;
 *  - `un-usage (unverified)`: the standard UN names as known to the authors, NOT checked against
 *    UNTERM from this environment (it was not reachable); treat as editable.
 */

const SEED = 'seed:repertoire-2020-mali-haiti.zh';
const UNVERIFIED = 'un-usage (unverified)';

type Draft = Omit<CatalogueEntry, 'aliases' | 'expiresOn' | 'establishedBy' | 'establishedOn' | 'sources'> & {
  aliases?: string[];
  establishedBy?: string | null;
  establishedOn?: string | null;
  sources?: string[];
};

function entry(d: Draft): CatalogueEntry {
  const sources = [...(d.establishedBy ? [d.establishedBy] : []), ...(d.sources ?? [UNVERIFIED])];
  return {
    id: d.id,
    acronym: d.acronym,
    type: d.type,
    agendaItem: d.agendaItem,
    names: d.names,
    aliases: d.aliases ?? [],
    establishedBy: d.establishedBy ?? null,
    establishedOn: d.establishedOn ?? null,
    expiresOn: null,
    sources,
  };
}

const n = (en: string, zh: string | null = null, fr: string | null = null): TrilingualNames => ({ en, zh, fr });

const PEACE_OPERATIONS: CatalogueEntry[] = [
  entry({
    id: 'minusma', acronym: 'MINUSMA', type: 'peace_operation', agendaItem: 'situation-in-mali',
    names: n('United Nations Multidimensional Integrated Stabilization Mission in Mali', '联合国马里多层面综合稳定团', 'Mission multidimensionnelle intégrée des Nations Unies pour la stabilisation au Mali'),
    aliases: ['马里稳定团', '联合国马里多层面综合稳定特派团'],
    establishedBy: 'S/RES/2100 (2013)', establishedOn: '2013-04-25',
    sources: [SEED, 'zh.wikipedia', UNVERIFIED],
  }),
  entry({
    id: 'minusca', acronym: 'MINUSCA', type: 'peace_operation', agendaItem: 'situation-in-the-central-african-republic',
    names: n('United Nations Multidimensional Integrated Stabilization Mission in the Central African Republic', '联合国中非共和国多层面综合稳定团', 'Mission multidimensionnelle intégrée des Nations Unies pour la stabilisation en Centrafrique'),
    aliases: ['中非稳定团'],
    establishedBy: 'S/RES/2149 (2014)', establishedOn: '2014-04-10',
  }),
  entry({
    id: 'monusco', acronym: 'MONUSCO', type: 'peace_operation', agendaItem: 'situation-concerning-the-democratic-republic-of-the-congo',
    names: n('United Nations Organization Stabilization Mission in the Democratic Republic of the Congo', '联合国刚果民主共和国稳定特派团', "Mission de l'Organisation des Nations Unies pour la stabilisation en République démocratique du Congo"),
    aliases: ['联刚稳定团'],
    establishedBy: 'S/RES/1925 (2010)', establishedOn: '2010-05-28',
  }),
  entry({
    id: 'unmiss', acronym: 'UNMISS', type: 'peace_operation', agendaItem: 'reports-of-the-secretary-general-on-the-sudan-and-south-sudan',
    names: n('United Nations Mission in South Sudan', '联合国南苏丹特派团', 'Mission des Nations Unies au Soudan du Sud'),
    aliases: ['南苏丹特派团', 'MINUSS'],
    establishedBy: 'S/RES/1996 (2011)', establishedOn: '2011-07-08',
  }),
  entry({
    id: 'unisfa', acronym: 'UNISFA', type: 'peace_operation', agendaItem: 'reports-of-the-secretary-general-on-the-sudan-and-south-sudan',
    names: n('United Nations Interim Security Force for Abyei', '联合国阿卜耶伊临时安全部队', 'Force intérimaire de sécurité des Nations Unies pour Abyei'),
    aliases: ['联阿安全部队', 'FISNUA'],
    establishedBy: 'S/RES/1990 (2011)', establishedOn: '2011-06-27',
  }),
  entry({
    id: 'unifil', acronym: 'UNIFIL', type: 'peace_operation', agendaItem: 'situation-in-the-middle-east',
    names: n('United Nations Interim Force in Lebanon', '联合国驻黎巴嫩临时部队', 'Force intérimaire des Nations Unies au Liban'),
    aliases: ['联黎部队', 'FINUL'],
    establishedBy: 'S/RES/425 (1978)', establishedOn: '1978-03-19',
  }),
  entry({
    id: 'undof', acronym: 'UNDOF', type: 'peace_operation', agendaItem: 'situation-in-the-middle-east',
    names: n('United Nations Disengagement Observer Force', '联合国脱离接触观察员部队', 'Force des Nations Unies chargée d’observer le dégagement'),
    aliases: ['观察员部队', 'FNUOD'],
    establishedBy: 'S/RES/350 (1974)', establishedOn: '1974-05-31',
  }),
  entry({
    id: 'unficyp', acronym: 'UNFICYP', type: 'peace_operation', agendaItem: 'situation-in-cyprus',
    names: n('United Nations Peacekeeping Force in Cyprus', '联合国驻塞浦路斯维持和平部队', 'Force des Nations Unies chargée du maintien de la paix à Chypre'),
    aliases: ['联塞部队', 'UNFICYP'],
    establishedBy: 'S/RES/186 (1964)', establishedOn: '1964-03-04',
  }),
  entry({
    id: 'minurso', acronym: 'MINURSO', type: 'peace_operation', agendaItem: 'situation-concerning-western-sahara',
    names: n('United Nations Mission for the Referendum in Western Sahara', '联合国西撒哈拉全民投票特派团', "Mission des Nations Unies pour l'organisation d'un référendum au Sahara occidental"),
    aliases: ['西撒特派团'],
    establishedBy: 'S/RES/690 (1991)', establishedOn: '1991-04-29',
  }),
  entry({
    id: 'unmik', acronym: 'UNMIK', type: 'peace_operation', agendaItem: 'security-council-resolutions-1160-1998-1199-1998-1203-1998-1239-1999-and-1244-1999',
    names: n('United Nations Interim Administration Mission in Kosovo', '联合国科索沃临时行政当局特派团', "Mission d'administration intérimaire des Nations Unies au Kosovo"),
    aliases: ['科索沃特派团', 'MINUK'],
    establishedBy: 'S/RES/1244 (1999)', establishedOn: '1999-06-10',
  }),
  entry({
    id: 'untso', acronym: 'UNTSO', type: 'peace_operation', agendaItem: 'situation-in-the-middle-east',
    names: n('United Nations Truce Supervision Organization', '联合国停战监督组织', "Organisme des Nations Unies chargé de la surveillance de la trêve"),
    aliases: ['停战监督组织', 'ONUST'],
    establishedBy: 'S/RES/50 (1948)', establishedOn: '1948-05-29',
  }),
  entry({
    // Its establishing decision is debated (resolutions 39 and 47 (1948), deployment in 1949): left null.
    id: 'unmogip', acronym: 'UNMOGIP', type: 'peace_operation', agendaItem: 'india-pakistan-question',
    names: n('United Nations Military Observer Group in India and Pakistan', '联合国印度和巴基斯坦军事观察组', "Groupe d'observateurs militaires des Nations Unies dans l'Inde et le Pakistan"),
    aliases: ['印巴观察组'],
  }),
];

const POLITICAL_MISSIONS: CatalogueEntry[] = [
  entry({
    id: 'binuh', acronym: 'BINUH', type: 'special_political_mission', agendaItem: 'question-concerning-haiti',
    names: n('United Nations Integrated Office in Haiti', '联合国海地综合办事处', 'Bureau intégré des Nations Unies en Haïti'),
    // 联海综合办 is the Repertoire's short name; Xinhua writes 联海办.
    aliases: ['联海综合办', '联海办'],
    establishedBy: 'S/RES/2476 (2019)', establishedOn: '2019-06-25',
    sources: [SEED, 'xinhua (via search)', UNVERIFIED],
  }),
  entry({
    id: 'unama', acronym: 'UNAMA', type: 'special_political_mission', agendaItem: 'situation-in-afghanistan',
    names: n('United Nations Assistance Mission in Afghanistan', '联合国阿富汗援助团', "Mission d'assistance des Nations Unies en Afghanistan"),
    aliases: ['联阿援助团', 'MANUA'],
    establishedBy: 'S/RES/1401 (2002)', establishedOn: '2002-03-28',
  }),
  entry({
    id: 'unami', acronym: 'UNAMI', type: 'special_political_mission', agendaItem: 'situation-concerning-iraq',
    names: n('United Nations Assistance Mission for Iraq', '联合国伊拉克援助团', "Mission d'assistance des Nations Unies pour l'Iraq"),
    aliases: ['联伊援助团', 'MANUI'],
    establishedBy: 'S/RES/1500 (2003)', establishedOn: '2003-08-14',
  }),
  entry({
    id: 'unsmil', acronym: 'UNSMIL', type: 'special_political_mission', agendaItem: 'situation-in-libya',
    names: n('United Nations Support Mission in Libya', '联合国利比亚支助团', "Mission d'appui des Nations Unies en Libye"),
    aliases: ['联利支助团', 'MANUL'],
    establishedBy: 'S/RES/2009 (2011)', establishedOn: '2011-09-16',
  }),
  entry({
    id: 'unmha', acronym: 'UNMHA', type: 'special_political_mission', agendaItem: 'situation-in-the-middle-east',
    names: n('United Nations Mission to support the Hudaydah Agreement', null, "Mission des Nations Unies en appui à l'Accord sur Hodeïda"),
    aliases: ['MINUAAH'],
    establishedBy: 'S/RES/2452 (2019)', establishedOn: '2019-01-16',
  }),
  entry({
    id: 'unitams', acronym: 'UNITAMS', type: 'special_political_mission', agendaItem: 'reports-of-the-secretary-general-on-the-sudan-and-south-sudan',
    names: n('United Nations Integrated Transition Assistance Mission in Sudan', '联合国苏丹过渡时期综合援助团', "Mission intégrée des Nations Unies pour l'assistance à la transition au Soudan"),
    // Chinese short name as Xinhua writes it; the adoption date (written procedure, 3 or 4 June
    // 2020 depending on the source) is left null.
    aliases: ['联苏综合援助团', 'MINUATS'],
    establishedBy: 'S/RES/2524 (2020)',
    sources: ['zh.wikisource (S/RES/2524 (2020))', 'xinhua (via search)', UNVERIFIED],
  }),
  entry({
    id: 'unsom', acronym: 'UNSOM', type: 'special_political_mission', agendaItem: 'situation-in-somalia',
    names: n('United Nations Assistance Mission in Somalia', '联合国索马里援助团', "Mission d'assistance des Nations Unies en Somalie"),
    aliases: ['联索援助团', 'MANUSOM'],
    establishedBy: 'S/RES/2102 (2013)', establishedOn: '2013-05-02',
  }),
  entry({
    // Successor of UNSOM; Chinese and French names not certain enough to write down.
    id: 'untmis', acronym: 'UNTMIS', type: 'special_political_mission', agendaItem: 'situation-in-somalia',
    names: n('United Nations Transitional Assistance Mission in Somalia'),
    establishedBy: 'S/RES/2753 (2024)',
  }),
  entry({
    // Established by an exchange of letters, not by a resolution.
    id: 'unoca', acronym: 'UNOCA', type: 'special_political_mission', agendaItem: 'central-african-region',
    names: n('United Nations Regional Office for Central Africa', '联合国中部非洲区域办事处', "Bureau régional des Nations Unies pour l'Afrique centrale"),
    aliases: ['BRENUAC'],
  }),
  entry({
    id: 'unowas', acronym: 'UNOWAS', type: 'special_political_mission', agendaItem: 'peace-consolidation-in-west-africa',
    names: n('United Nations Office for West Africa and the Sahel', '联合国西非和萨赫勒办事处', "Bureau des Nations Unies pour l'Afrique de l'Ouest et le Sahel"),
    aliases: ['UNOWA', 'BNUAO'],
  }),
  entry({
    id: 'unvmc', acronym: 'UNVMC', type: 'special_political_mission', agendaItem: 'identical-letters-dated-19-january-2016-from-the-permanent-representative-of-colombia',
    names: n('United Nations Verification Mission in Colombia', '联合国哥伦比亚核查团', 'Mission de vérification des Nations Unies en Colombie'),
    establishedBy: 'S/RES/2366 (2017)', establishedOn: '2017-07-10',
  }),
  entry({
    // Established by an exchange of letters (2007); no agenda item of its own.
    id: 'unrcca', acronym: 'UNRCCA', type: 'special_political_mission', agendaItem: null,
    names: n('United Nations Regional Centre for Preventive Diplomacy for Central Asia', '联合国中亚预防性外交区域中心', null),
  }),
];

const SANCTIONS: CatalogueEntry[] = [
  entry({
    id: 'mali-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'situation-in-mali',
    names: n('Mali sanctions measures (travel ban and asset freeze, resolution 2374 (2017))', '第2374(2017)号决议实施的资产冻结和旅行禁令', null),
    aliases: ['Mali sanctions', 'Mali sanctions regime', '马里制裁措施'],
    establishedBy: 'S/RES/2374 (2017)', establishedOn: '2017-09-05',
    sources: [SEED],
  }),
  entry({
    id: 'mali-panel-of-experts', acronym: null, type: 'panel_of_experts', agendaItem: 'situation-in-mali',
    names: n('Panel of Experts on Mali (established pursuant to resolution 2374 (2017))', null, null),
    aliases: ['Panel of Experts on Mali', 'Mali Panel of Experts', '马里问题专家小组'],
    establishedBy: 'S/RES/2374 (2017)', establishedOn: '2017-09-05',
    sources: [SEED],
  }),
  entry({
    id: 'car-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'situation-in-the-central-african-republic',
    names: n('Central African Republic sanctions measures'),
    aliases: ['CAR sanctions'],
    establishedBy: 'S/RES/2127 (2013)', establishedOn: '2013-12-05',
  }),
  entry({
    id: 'car-panel-of-experts', acronym: null, type: 'panel_of_experts', agendaItem: 'situation-in-the-central-african-republic',
    names: n('Panel of Experts on the Central African Republic'),
    aliases: ['CAR Panel of Experts'],
    establishedBy: 'S/RES/2127 (2013)', establishedOn: '2013-12-05',
  }),
  entry({
    id: 'drc-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'situation-concerning-the-democratic-republic-of-the-congo',
    names: n('Democratic Republic of the Congo sanctions measures'),
    aliases: ['DRC sanctions'],
    establishedBy: 'S/RES/1493 (2003)', establishedOn: '2003-07-28',
  }),
  entry({
    id: 'drc-group-of-experts', acronym: null, type: 'panel_of_experts', agendaItem: 'situation-concerning-the-democratic-republic-of-the-congo',
    names: n('Group of Experts on the Democratic Republic of the Congo'),
    aliases: ['DRC Group of Experts'],
    establishedBy: 'S/RES/1533 (2004)', establishedOn: '2004-03-12',
  }),
  entry({
    id: 'south-sudan-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'reports-of-the-secretary-general-on-the-sudan-and-south-sudan',
    names: n('South Sudan sanctions measures'),
    establishedBy: 'S/RES/2206 (2015)', establishedOn: '2015-03-03',
  }),
  entry({
    id: 'south-sudan-panel-of-experts', acronym: null, type: 'panel_of_experts', agendaItem: 'reports-of-the-secretary-general-on-the-sudan-and-south-sudan',
    names: n('Panel of Experts on South Sudan'),
    establishedBy: 'S/RES/2206 (2015)', establishedOn: '2015-03-03',
  }),
  entry({
    id: 'libya-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'situation-in-libya',
    names: n('Libya sanctions measures'),
    establishedBy: 'S/RES/1970 (2011)', establishedOn: '2011-02-26',
  }),
  entry({
    id: 'libya-panel-of-experts', acronym: null, type: 'panel_of_experts', agendaItem: 'situation-in-libya',
    names: n('Panel of Experts on Libya'),
    establishedBy: 'S/RES/1973 (2011)', establishedOn: '2011-03-17',
  }),
  entry({
    // Measures have been re-based several times (733 (1992), 751 (1992), 2713 (2023)): left null.
    id: 'al-shabaab-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'situation-in-somalia',
    names: n('Al-Shabaab sanctions measures'),
    aliases: ['Somalia sanctions'],
  }),
  entry({
    id: 'somalia-panel-of-experts', acronym: null, type: 'panel_of_experts', agendaItem: 'situation-in-somalia',
    names: n('Panel of Experts on Somalia'),
  }),
  entry({
    id: 'sudan-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'reports-of-the-secretary-general-on-the-sudan-and-south-sudan',
    names: n('Sudan sanctions measures (resolution 1591 (2005))'),
    aliases: ['1591 sanctions'],
    establishedBy: 'S/RES/1591 (2005)', establishedOn: '2005-03-29',
  }),
  entry({
    id: 'sudan-panel-of-experts', acronym: null, type: 'panel_of_experts', agendaItem: 'reports-of-the-secretary-general-on-the-sudan-and-south-sudan',
    names: n('Panel of Experts on the Sudan'),
    establishedBy: 'S/RES/1591 (2005)', establishedOn: '2005-03-29',
  }),
  entry({
    id: 'yemen-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'situation-in-the-middle-east',
    names: n('Yemen sanctions measures (resolution 2140 (2014))'),
    aliases: ['2140 sanctions'],
    establishedBy: 'S/RES/2140 (2014)', establishedOn: '2014-02-26',
  }),
  entry({
    id: 'yemen-panel-of-experts', acronym: null, type: 'panel_of_experts', agendaItem: 'situation-in-the-middle-east',
    names: n('Panel of Experts on Yemen'),
    establishedBy: 'S/RES/2140 (2014)', establishedOn: '2014-02-26',
  }),
  entry({
    id: 'dprk-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'non-proliferation-democratic-peoples-republic-of-korea',
    names: n("Democratic People's Republic of Korea sanctions measures (resolution 1718 (2006))"),
    aliases: ['1718 sanctions', 'DPRK sanctions'],
    establishedBy: 'S/RES/1718 (2006)', establishedOn: '2006-10-14',
  }),
  entry({
    id: 'dprk-panel-of-experts', acronym: null, type: 'panel_of_experts', agendaItem: 'non-proliferation-democratic-peoples-republic-of-korea',
    names: n('Panel of Experts established pursuant to resolution 1874 (2009)'),
    aliases: ['1718 Committee Panel of Experts', 'DPRK Panel of Experts'],
    establishedBy: 'S/RES/1874 (2009)', establishedOn: '2009-06-12',
  }),
  entry({
    id: 'isil-al-qaida-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'threats-to-international-peace-and-security-caused-by-terrorist-acts',
    names: n('ISIL (Da’esh) and Al-Qaida sanctions measures'),
    aliases: ['1267 sanctions'],
    establishedBy: 'S/RES/1267 (1999)', establishedOn: '1999-10-15',
  }),
  entry({
    id: '1267-monitoring-team', acronym: null, type: 'panel_of_experts', agendaItem: 'threats-to-international-peace-and-security-caused-by-terrorist-acts',
    names: n('Analytical Support and Sanctions Monitoring Team (1267 Monitoring Team)'),
    aliases: ['1267 Monitoring Team', 'Monitoring Team'],
    establishedBy: 'S/RES/1526 (2004)', establishedOn: '2004-01-30',
  }),
  entry({
    id: '1267-ombudsperson', acronym: null, type: 'other', agendaItem: 'threats-to-international-peace-and-security-caused-by-terrorist-acts',
    names: n('Office of the Ombudsperson to the ISIL (Da’esh) and Al-Qaida Sanctions Committee'),
    aliases: ['Ombudsperson'],
    establishedBy: 'S/RES/1904 (2009)', establishedOn: '2009-12-17',
  }),
  entry({
    id: 'haiti-sanctions', acronym: null, type: 'sanctions_measures', agendaItem: 'question-concerning-haiti',
    names: n('Haiti sanctions measures (resolution 2653 (2022))'),
    aliases: ['Haiti sanctions'],
    establishedBy: 'S/RES/2653 (2022)', establishedOn: '2022-10-21',
  }),
  entry({
    id: 'haiti-panel-of-experts', acronym: null, type: 'panel_of_experts', agendaItem: 'question-concerning-haiti',
    names: n('Panel of Experts on Haiti'),
    establishedBy: 'S/RES/2653 (2022)', establishedOn: '2022-10-21',
  }),
];

const AUTHORIZATIONS: CatalogueEntry[] = [
  entry({
    id: 'eufor-althea', acronym: 'EUFOR ALTHEA', type: 'authorization', agendaItem: 'situation-in-bosnia-and-herzegovina',
    names: n('European Union Force in Bosnia and Herzegovina (EUFOR ALTHEA), multinational stabilization force'),
    aliases: ['EUFOR', 'Operation Althea'],
    establishedBy: 'S/RES/1575 (2004)', establishedOn: '2004-11-22',
  }),
  entry({
    id: 'libya-arms-embargo-inspections', acronym: null, type: 'authorization', agendaItem: 'situation-in-libya',
    names: n('Authorization to inspect vessels on the high seas off the coast of Libya (arms embargo)'),
    aliases: ['Libya arms embargo inspections'],
    establishedBy: 'S/RES/2292 (2016)', establishedOn: '2016-06-14',
  }),
  entry({
    id: 'libya-migrant-smuggling-inspections', acronym: null, type: 'authorization', agendaItem: 'situation-in-libya',
    names: n('Authorization to inspect vessels on the high seas off the coast of Libya (migrant smuggling and human trafficking)'),
    establishedBy: 'S/RES/2240 (2015)', establishedOn: '2015-10-09',
  }),
];

export const BASE_CATALOGUE: readonly CatalogueEntry[] = [...PEACE_OPERATIONS, ...POLITICAL_MISSIONS, ...SANCTIONS, ...AUTHORIZATIONS];
