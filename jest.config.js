// Specs are selected by kind from their file names: *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};
module.exports = {
  // Two workers on the 2-core machines: many specs wait on child processes, sockets and the disk (about
  // 5.5 minutes for the whole suite instead of 9.5 with jest's default of one worker there).
  maxWorkers: 2,
  // A time limit guards against a hang, not a speed: the machines are shared and noisy.
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{src,test}/**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/{src,test}/**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/{src,test}/**/*.e2e.spec.ts'] },
    // The same e2e specs with the application on the KurrentDB protocol stand-in (test/support/on-stand-in.ts).
    {
      ...base,
      displayName: 'e2e-stand-in',
      testMatch: ['<rootDir>/{src,test}/**/*.e2e.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/on-stand-in.ts'],
    },
  ],
};
