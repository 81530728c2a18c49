import { describe, expect, it } from 'vitest';
import { bundleSender } from '../../../bench/rendering.ts';

describe('sender bundle', () => {
  it('stays under 1 MB and never contains mjml nor liquidjs (it renders with its own Liquid)', async () => {
    const { bytes, inputs } = await bundleSender();
    expect(inputs.some((input) => input.includes('functions/core/rendering/render.ts'))).toBe(true);
    expect(inputs.some((input) => input.includes('functions/core/rendering/liquid.ts'))).toBe(true);
    expect(
      inputs.filter((input) => /node_modules\/(mjml|mjml-[\w-]+|html-minifier|juice|liquidjs)\//.test(input)),
    ).toEqual([]);
    expect(bytes).toBeLessThan(1024 * 1024);
  }, 60_000);
});
