import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // A limit for a hung test, not a speed check: on a shared, busy machine a
    // test may take several times as long as alone (issue 33: plan-npv took
    // 64 s under load, 4.7 s alone). Tests keep their work small instead.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
