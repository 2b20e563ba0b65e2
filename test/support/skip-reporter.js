/**
 * Prints, after jest's own summary, how many tests were skipped and why (the reasons
 * test/support/environment.ts found before the run), so a local run never looks more complete
 * than it was.
 */
class SkipReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    if (skipped === 0) return;
    const reasons = [
      process.env.TEST_SKIP_MYSQL && `MySQL halves: ${process.env.TEST_SKIP_MYSQL}`,
      process.env.TEST_SKIP_WECHATY && `Wechaty channel: ${process.env.TEST_SKIP_WECHATY}`,
    ].filter(Boolean);
    const why = reasons.length > 0 ? reasons.join('; ') : 'left out by a name filter (-t) or a .skip in the run';
    process.stderr.write(`\n${skipped} test${skipped === 1 ? '' : 's'} skipped — ${why}. Run with CI=true to make a missing part fail instead.\n`);
  }
}
module.exports = SkipReporter;
