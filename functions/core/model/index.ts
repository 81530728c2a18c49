/**
 * Buy-till-you-die customer-base models (BG/NBD, MBG/NBD, Pareto/NBD) in pure TypeScript: RFM summaries
 * from transactions, maximum-likelihood fitting, per-customer scores and holdout evaluation.
 */
export type { BetaGeometricParams } from './bgnbd.ts';
export { chooseModel, fitModel, MODEL_KINDS, type ParametricFit } from './choose-model.ts';
export {
  compareHoldout,
  compareHoldoutColumns,
  type HoldoutComparison,
  type HoldoutGroup,
  holdoutChartSvg,
} from './evaluate.ts';
export type { FitOptions, FitResult, ModelChoice, ModelKind, RfmParams } from './fit.ts';
export type { ParetoNbdParams } from './pareto-nbd.ts';
export {
  holdoutLength,
  holdoutPurchases,
  holdoutWindow,
  ModelInputError,
  parseIsoDay,
  parseSummaryCsv,
  parseTransactionsCsv,
  type RejectedLine,
  type SummariseOptions,
  type SummariseResult,
  summariseTransactions,
  type Transaction,
} from './rfm.ts';
export {
  expectedPurchasesColumns,
  explainScore,
  pAliveColumns,
  type Score,
  type ScoreColumns,
  scoreColumns,
  scoreCustomers,
} from './scores.ts';
export { CDNOW_BGNBD, type SimulateOptions, simulateBgNbd } from './simulate.ts';
export { type ReadSummaryOptions, readSummaryCsv, type SummaryTable } from './summary-csv.ts';
export {
  type CustomerSummary,
  compressSummaries,
  type SummaryColumns,
  type TimeUnit,
  toColumns,
} from './summary-data.ts';
export {
  type HoldoutTable,
  type ReadHoldoutOptions,
  type ReadTransactionsOptions,
  readTransactionsHoldout,
  readTransactionsSummary,
} from './transactions-csv.ts';
