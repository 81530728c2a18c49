import type { Preset, PresetKind } from './preset.ts';
import { shopifyCustomers, shopifyOrders } from './shopify.ts';
import { stripePaymentCustomers, stripePayments } from './stripe.ts';
import { wooCustomers, wooOrders } from './woocommerce.ts';

/** Every built-in preset; a file's header (or first JSON object) picks one when --format names none. */
export const presets: readonly Preset[] = [
  shopifyCustomers,
  shopifyOrders,
  stripePayments,
  stripePaymentCustomers,
  wooOrders,
  wooCustomers,
];

/** The presets that produce `kind`, in the order a header is tried against them. */
export const presetsFor = (kind: string): readonly Preset[] =>
  presets.filter((preset) => preset.kind === kind);

/** The preset `--format` names for `kind` (`stripe-payments` gives orders, or their customers). */
export const presetNamed = (name: string, kind: string): Preset | undefined =>
  presets.find((preset) => preset.name === name && preset.kind === kind);

/** The layouts `--format` accepts for `kind`. */
export const presetNames = (kind: string): string[] => presetsFor(kind).map((preset) => preset.name);

export type { Preset, PresetKind };
