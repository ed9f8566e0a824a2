/**
 * Jest results processor: when JEST_JSON_OUTPUT names a file, write the aggregated results
 * there (the same shape as `jest --json`), so CI can print its own summary line.
 */
const fs = require('node:fs');

module.exports = (results) => {
  const target = process.env.JEST_JSON_OUTPUT;
  if (target) {
    const { numPassedTests, numFailedTests, numRuntimeErrorTestSuites, numTotalTests, success } = results;
    fs.writeFileSync(
      target,
      JSON.stringify({ numPassedTests, numFailedTests, numRuntimeErrorTestSuites, numTotalTests, success }),
    );
  }
  return results;
};
