import { describe, expect, it } from 'vitest';
import { forecastWeights, meanAttention } from '../../../src/main/core/trading/model-strategy';

describe('model strategy helpers', () => {
  it('turns forecasts into weights as the seed chapter does: clipped to [-1, 1], normalised by gross exposure', () => {
    expect(forecastWeights([0.002, -0.001, 0.001], false)).toEqual([0.5, -0.25, 0.25]);
    expect(forecastWeights([3, -1], false)).toEqual([0.5, -0.5]); // 3 is clipped to 1 first
    expect(forecastWeights([0.002, -0.001, 0.002], true)).toEqual([0.5, 0, 0.5]);
    expect(forecastWeights([0, 0], false)).toEqual([0, 0]);
  });

  it('averages attention over layers and heads into one query x key matrix', () => {
    const attention = [
      [
        [
          [1, 0],
          [0.5, 0.5],
        ],
        [
          [0, 1],
          [0.5, 0.5],
        ],
      ],
      [
        [
          [0.5, 0.5],
          [1, 0],
        ],
        [
          [0.5, 0.5],
          [0, 1],
        ],
      ],
    ];
    expect(meanAttention(attention)).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    expect(
      meanAttention([
        [
          [
            [0.2, 0.8],
            [0.6, 0.4],
          ],
        ],
      ]),
    ).toEqual([
      [0.2, 0.8],
      [0.6, 0.4],
    ]);
    expect(meanAttention([])).toEqual([]);
  });
});
