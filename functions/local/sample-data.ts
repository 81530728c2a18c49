import type { Customer, Incident, IncidentKind, Order } from '../core/customers/model.ts';

/** Mulberry32: a small, fast, seeded PRNG so the demo is the same every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const people: readonly { firstName: string; locale: string; timeZone: string }[] = [
  { firstName: 'Amelia', locale: 'en', timeZone: 'Europe/London' },
  { firstName: 'Priya', locale: 'hi', timeZone: 'Asia/Kolkata' },
  { firstName: 'Dhruv', locale: 'gu', timeZone: 'Asia/Kolkata' },
  { firstName: 'Nimali', locale: 'si', timeZone: 'Asia/Colombo' },
  { firstName: 'Jack', locale: 'en', timeZone: 'America/New_York' },
  { firstName: 'Aroha', locale: 'en', timeZone: 'Pacific/Chatham' },
  { firstName: 'Olivia', locale: 'en', timeZone: 'Australia/Sydney' },
  { firstName: 'Kavya', locale: 'en', timeZone: 'Asia/Kolkata' },
];

const dayMs = 86_400_000;

/**
 * Seeded sample customers and their orders over the two years before `now`: each buys at a
 * personal rate and may drop out, as in a "buy till you die" process, so some have lapsed.
 */
export function generateSampleData(options: { customers: number; seed: number; now: number }): {
  customers: Customer[];
  orders: Order[];
  incidents: Incident[];
} {
  const random = seededRandom(options.seed);
  const customers: Customer[] = [];
  const orders: Order[] = [];
  const incidents: Incident[] = [];
  for (let i = 1; i <= options.customers; i += 1) {
    const person = people[Math.floor(random() * people.length)] ?? people[0];
    if (person === undefined) continue;
    const customerId = `c${String(i).padStart(6, '0')}`;
    customers.push({
      customerId,
      email: `${person.firstName.toLowerCase()}.${customerId}@customers.example`,
      firstName: person.firstName,
      locale: person.locale,
      timeZone: person.timeZone,
      consent: random() < 0.95 ? 'granted' : 'withdrawn',
    });
    // Exponential gaps between orders at a rate of one per 20–120 days; 0.5–3% chance to drop out after each.
    const meanGapDays = 20 + random() * 100;
    const dropOut = 0.005 + random() * 0.25;
    let at = options.now - (60 + random() * 670) * dayMs;
    let orderNumber = 1;
    while (at < options.now) {
      orders.push({
        orderId: `${customerId}-o${orderNumber}`,
        customerId,
        placedAt: new Date(at).toISOString(),
        amount: Math.round((10 + random() * 90) * 100) / 100,
      });
      // About one order in twelve went wrong; most problems were resolved, a few tickets are still open.
      if (random() < 1 / 12)
        incidents.push(sampleIncident(random, customerId, `${customerId}-o${orderNumber}`, at));
      orderNumber += 1;
      if (random() < dropOut) break;
      at += -Math.log(1 - random()) * meanGapDays * dayMs;
    }
  }
  return { customers, orders, incidents };
}

/** What the shop did, in its own language and in each language the sample customers read. */
const incidentKinds: readonly {
  kind: IncidentKind;
  resolution: string;
  resolutions: Record<string, string>;
}[] = [
  {
    kind: 'damaged',
    resolution: 'We sent a replacement and changed our packaging supplier.',
    resolutions: {
      hi: 'हमने बदले में दूसरा रिकॉर्ड भेजा और पैकिंग का सप्लायर बदल दिया।',
      gu: 'અમે બદલામાં બીજો રેકોર્ડ મોકલ્યો અને પેકિંગનો સપ્લાયર બદલી નાખ્યો.',
      si: 'අපි ඒ වෙනුවට වෙනත් තැටියක් එව්වා, ඇසුරුම් සපයන ආයතනයත් වෙනස් කළා.',
    },
  },
  {
    kind: 'late',
    resolution: 'We refunded the delivery charge and moved to a faster courier.',
    resolutions: {
      hi: 'हमने डिलीवरी का शुल्क लौटा दिया और ज़्यादा तेज़ कूरियर चुन लिया।',
      gu: 'અમે ડિલિવરીનો ચાર્જ પાછો આપ્યો અને વધુ ઝડપી કુરિયર સેવા પસંદ કરી.',
      si: 'අපි බෙදාහැරීමේ ගාස්තුව ආපසු ගෙව්වා, වඩා ඉක්මන් කුරියර් සේවාවකට මාරු වුණා.',
    },
  },
  {
    kind: 'wrong_item',
    resolution: 'We sent the right record and fixed the picking error in our warehouse.',
    resolutions: {
      hi: 'हमने सही रिकॉर्ड भेजा और गोदाम में सामान चुनने की गलती ठीक की।',
      gu: 'અમે સાચો રેકોર્ડ મોકલ્યો અને ગોદામમાં વસ્તુ પસંદ કરવાની ભૂલ સુધારી.',
      si: 'අපි නිවැරදි තැටිය එව්වා, අපේ ගබඩාවේ භාණ්ඩ තෝරාගැනීමේ වැරැද්දත් නිවැරදි කළා.',
    },
  },
  {
    kind: 'refund_delay',
    resolution: 'The refund was paid and refunds now go out within two days.',
    resolutions: {
      hi: 'रिफ़ंड का भुगतान हो गया, और अब रिफ़ंड दो दिनों के भीतर भेजे जाते हैं।',
      gu: 'રિફંડ ચૂકવાઈ ગયું, અને હવે રિફંડ બે દિવસમાં મોકલાય છે.',
      si: 'මුදල් ආපසු ගෙව්වා. දැන් ආපසු ගෙවීම් දින දෙකක් ඇතුළත යවනවා.',
    },
  },
];

function sampleIncident(
  random: () => number,
  customerId: string,
  orderId: string,
  orderAt: number,
): Incident {
  const pick = incidentKinds[Math.floor(random() * incidentKinds.length)] ?? incidentKinds[0];
  const occurredAt = orderAt + (2 + random() * 5) * dayMs;
  const resolved = random() < 0.9;
  return {
    incidentId: `${orderId}-i1`,
    customerId,
    kind: pick?.kind ?? 'other',
    occurredAt: new Date(occurredAt).toISOString(),
    orderId,
    ...(resolved
      ? {
          resolvedAt: new Date(occurredAt + (1 + random() * 10) * dayMs).toISOString(),
          resolution: pick?.resolution,
          resolutions: pick?.resolutions,
        }
      : {}),
    ticketOpen: !resolved,
  };
}

/** CSV text of rows with the given columns; values containing commas or quotes are quoted. */
export function toCsv<T extends object>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  const cell = (value: unknown) => {
    const text = value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))].join(
    '\n',
  );
}
