/** Where handlers count what alarms watch (CloudWatch EMF through Powertools in Lambda). */
export interface MetricsSink {
  count(name: string, value?: number, dimensions?: Readonly<Record<string, string>>): void;
}
