import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import { counterNames } from '../core/domain/counters.ts';
import type { ReportData } from '../core/domain/report-data.ts';
import type { PauseInForce } from '../core/reporting/build-report.ts';

/**
 * Where the demo leaves what `rekindle report` needs once its emulators have stopped: a state file
 * naming the data, the config and the demo's (virtual) time, read by the report when it is given no
 * table and no stack.
 */
export const reportStateFile = '.rekindle/state.json';

const StateSchema = z.object({
  version: z.literal(1),
  source: z.literal('demo'),
  /** Real time the demo finished. */
  writtenAt: z.number(),
  /** The demo's virtual time at its end: the report's "now". */
  now: z.number(),
  configFile: z.string(),
  dataFile: z.string(),
});
export type ReportState = z.infer<typeof StateSchema>;

const CountersSchema = z.object(
  Object.fromEntries(counterNames.map((name) => [name, z.number().default(0)])) as Record<
    (typeof counterNames)[number],
    z.ZodDefault<z.ZodNumber>
  >,
);

/** The report's data as the demo saved it; read back through this schema, never trusted as is. */
const SavedReportSchema = z.object({
  data: z.object({
    assignments: z.array(
      z.object({
        customerId: z.string(),
        enrolmentId: z.string(),
        sequenceId: z.string(),
        segmentId: z.string(),
        enrolledAt: z.number(),
        state: z.string(),
        endedAt: z.number().optional(),
        exitReason: z.string().optional(),
        predictedPurchases: z.number().optional(),
      }),
    ),
    responses: z.array(z.object({ enrolmentId: z.string(), respondedAt: z.number() })).optional(),
    firstSends: z.array(z.object({ enrolmentId: z.string(), sentAt: z.number() })),
    sends: z
      .array(
        z.object({
          enrolmentId: z.string(),
          stepIndex: z.number(),
          sentAt: z.number(),
          tracking: z
            .object({ opens: z.boolean(), clicks: z.boolean(), noTrackedLinks: z.boolean().optional() })
            .optional(),
        }),
      )
      .optional(),
    orders: z.array(
      z.object({
        customerId: z.string(),
        placedAt: z.number(),
        amount: z.number(),
        currency: z.string().optional(),
        status: z.enum(['paid', 'partially_refunded', 'refunded', 'cancelled', 'voided']).optional(),
        refundedAmount: z.number().optional(),
      }),
    ),
    counters: z.array(
      z.object({
        sequenceId: z.string(),
        stepIndex: z.number(),
        segmentId: z.string(),
        stepId: z.string().optional(),
        counters: CountersSchema,
      }),
    ),
  }) satisfies z.ZodType<ReportData>,
  pauses: z.array(z.object({ scope: z.string(), reason: z.string(), at: z.number() })),
});

/** What the report reads from the demo's state. */
export interface SavedReport {
  readonly state: ReportState;
  readonly data: ReportData;
  readonly pauses: readonly PauseInForce[];
}

/** Saves the report's data beside the demo's outbox and the state file that names it. */
export async function saveReportState(
  stateFile: string,
  dataFile: string,
  saved: { now: number; configFile: string; data: ReportData; pauses: readonly PauseInForce[] },
  writtenAt = Date.now(),
): Promise<void> {
  const state: ReportState = {
    version: 1,
    source: 'demo',
    writtenAt,
    now: saved.now,
    configFile: saved.configFile,
    dataFile,
  };
  await mkdir(dirname(dataFile), { recursive: true });
  await writeFile(dataFile, JSON.stringify({ data: saved.data, pauses: saved.pauses }));
  await mkdir(dirname(stateFile), { recursive: true });
  await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Reads the state file and the data it names: `missing` when there is no state file (no demo has
 * run here), otherwise the data or a one-line reason naming the file and field.
 */
export async function loadReportState(
  stateFile = reportStateFile,
): Promise<
  | { readonly ok: true; readonly saved: SavedReport }
  | { readonly ok: false; readonly missing: boolean; readonly reason: string }
> {
  const stateText = await readText(stateFile);
  if (stateText === undefined) return { ok: false, missing: true, reason: `${stateFile} does not exist` };
  const state = parseJson(stateText, StateSchema, stateFile);
  if (!state.ok) return { ok: false, missing: false, reason: state.reason };
  const dataText = await readText(state.value.dataFile);
  if (dataText === undefined)
    return {
      ok: false,
      missing: false,
      reason: `${stateFile} names ${state.value.dataFile}, which does not exist: run the demo again (npm start)`,
    };
  const saved = parseJson(dataText, SavedReportSchema, state.value.dataFile);
  if (!saved.ok) return { ok: false, missing: false, reason: saved.reason };
  return { ok: true, saved: { state: state.value, data: saved.value.data, pauses: saved.value.pauses } };
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error: unknown) {
    if ((error as { code?: unknown } | null)?.code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}`, { cause: error });
  }
}

function parseJson<T>(
  text: string,
  schema: z.ZodType<T>,
  file: string,
): { ok: true; value: T } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${file} is not JSON: run the demo again (npm start)` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    reason: `${file}: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}; run the demo again (npm start)`,
  };
}
