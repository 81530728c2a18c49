import { readFileSync } from 'node:fs';

/** A platform fixture's bytes, as the platform would send them. */
export const fixtureBytes = (platform: string, name: string): Buffer =>
  readFileSync(`test/fixtures/platforms/${platform}/webhooks/${name}`);

/** A platform fixture, parsed. */
export const fixture = (platform: string, name: string): unknown =>
  JSON.parse(fixtureBytes(platform, name).toString('utf8'));
