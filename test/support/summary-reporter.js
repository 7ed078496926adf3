// Ends a run with the plain closing line CI reads in any language: "N passed, N failed[, N skipped]".
// Jest prints its own summary on stderr after the reporters run, so the line is written on exit.
const { writeSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    process.once('exit', () => writeSync(2, `\n${line}`));
  }
}
module.exports = SummaryReporter;
