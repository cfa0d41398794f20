// The shared raw-image geometry: a rotated canvas cropped back, centred, to the page.
import { describe, expect, it } from 'vitest';
import { centredCrop } from '../../../src/image/raw-image.ts';

describe('centredCrop', () => {
  it('centres the crop', () => {
    expect(centredCrop(1300, 1800, 1240, 1754)).toEqual({ left: 30, top: 23, width: 1240, height: 1754 });
  });
});
