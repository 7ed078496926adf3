// Ends a run with the plain closing line CI reads in any language: "N passed, N failed[, N skipped]".
// Jest prints its own summary on stderr, so the line goes there (after it) and to stdout.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    process.stderr.write(`\n${line}`);
    process.stdout.write(line);
  }
}
module.exports = SummaryReporter;
