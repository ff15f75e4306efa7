import type { AgendaItemEntry } from './types.js';

/**
 * Agenda items of the mandates in the catalogue, in the Council's three working languages used
 * here. Chinese titles follow the Repertoire's usage (马里局势, 有关海地的问题 appear in the seed);
 * a title left null was not certain enough to write down.
 */
export const AGENDA_ITEMS: readonly AgendaItemEntry[] = [
  { id: 'situation-in-mali', names: { en: 'The situation in Mali', zh: '马里局势', fr: 'La situation au Mali' } },
  { id: 'question-concerning-haiti', names: { en: 'The question concerning Haiti', zh: '有关海地的问题', fr: 'La question concernant Haïti' } },
  { id: 'situation-in-the-central-african-republic', names: { en: 'The situation in the Central African Republic', zh: '中非共和国局势', fr: 'La situation en République centrafricaine' } },
  { id: 'situation-concerning-the-democratic-republic-of-the-congo', names: { en: 'The situation concerning the Democratic Republic of the Congo', zh: '关于刚果民主共和国的局势', fr: 'La situation concernant la République démocratique du Congo' } },
  { id: 'reports-of-the-secretary-general-on-the-sudan-and-south-sudan', names: { en: 'Reports of the Secretary-General on the Sudan and South Sudan', zh: '秘书长关于苏丹和南苏丹的报告', fr: 'Rapports du Secrétaire général sur le Soudan et le Soudan du Sud' } },
  { id: 'situation-in-the-middle-east', names: { en: 'The situation in the Middle East', zh: '中东局势', fr: 'La situation au Moyen-Orient' } },
  { id: 'situation-in-cyprus', names: { en: 'The situation in Cyprus', zh: '塞浦路斯局势', fr: 'La situation à Chypre' } },
  { id: 'situation-concerning-western-sahara', names: { en: 'The situation concerning Western Sahara', zh: '关于西撒哈拉的局势', fr: 'La situation concernant le Sahara occidental' } },
  {
    id: 'security-council-resolutions-1160-1998-1199-1998-1203-1998-1239-1999-and-1244-1999',
    names: {
      en: 'Security Council resolutions 1160 (1998), 1199 (1998), 1203 (1998), 1239 (1999) and 1244 (1999)',
      zh: '安全理事会第1160(1998)、1199(1998)、1203(1998)、1239(1999)和1244(1999)号决议',
      fr: 'Résolutions 1160 (1998), 1199 (1998), 1203 (1998), 1239 (1999) et 1244 (1999) du Conseil de sécurité',
    },
  },
  { id: 'india-pakistan-question', names: { en: 'The India-Pakistan question', zh: '印度-巴基斯坦问题', fr: 'La question Inde-Pakistan' } },
  { id: 'situation-in-afghanistan', names: { en: 'The situation in Afghanistan', zh: '阿富汗局势', fr: 'La situation en Afghanistan' } },
  { id: 'situation-concerning-iraq', names: { en: 'The situation concerning Iraq', zh: '关于伊拉克的局势', fr: "La situation concernant l'Iraq" } },
  { id: 'situation-in-libya', names: { en: 'The situation in Libya', zh: '利比亚局势', fr: 'La situation en Libye' } },
  { id: 'situation-in-somalia', names: { en: 'The situation in Somalia', zh: '索马里局势', fr: 'La situation en Somalie' } },
  { id: 'central-african-region', names: { en: 'Central African region', zh: '中部非洲区域', fr: "Région de l'Afrique centrale" } },
  { id: 'peace-consolidation-in-west-africa', names: { en: 'Peace consolidation in West Africa', zh: '巩固西非和平', fr: "Consolidation de la paix en Afrique de l'Ouest" } },
  {
    id: 'identical-letters-dated-19-january-2016-from-the-permanent-representative-of-colombia',
    names: {
      en: 'Identical letters dated 19 January 2016 from the Permanent Representative of Colombia to the United Nations addressed to the Secretary-General and the President of the Security Council (S/2016/53)',
      zh: null,
      fr: null,
    },
  },
  { id: 'non-proliferation-democratic-peoples-republic-of-korea', names: { en: "Non-proliferation/Democratic People's Republic of Korea", zh: '不扩散/朝鲜民主主义人民共和国', fr: 'Non-prolifération/République populaire démocratique de Corée' } },
  { id: 'threats-to-international-peace-and-security-caused-by-terrorist-acts', names: { en: 'Threats to international peace and security caused by terrorist acts', zh: '恐怖主义行为对国际和平与安全造成的威胁', fr: "Menaces contre la paix et la sécurité internationales résultant d'actes terroristes" } },
  { id: 'situation-in-bosnia-and-herzegovina', names: { en: 'The situation in Bosnia and Herzegovina', zh: '波斯尼亚和黑塞哥维那局势', fr: 'La situation en Bosnie-Herzégovine' } },
];
