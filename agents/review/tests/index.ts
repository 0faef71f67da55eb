/** The test-runner agent of the review swarm: detect the runner, run related tests, report failures. */
export { buildTestCommand, parseTestResults, type TestCommand } from './build-test-command.js';
export { detectTestRunner, detectTestRunners, findLocalBin, type DetectedRunner } from './detect-test-runner.js';
export { FAILING_TEST_RULE, TEST_RUNNER_AGENT_ID, failuresToFindings } from './failure-to-finding.js';
export { findRelatedTests, isTestFile, languageOf, listTestFiles, type TestLanguage } from './find-related-tests.js';
export { jestReportSchema, parseJestJson } from './parse-jest-json.js';
export { parseJunitXml, type JunitDialect, type ParseJunitOptions } from './parse-junit-xml.js';
export { mochaReportSchema, parseMochaJson } from './parse-mocha-json.js';
export { parseXml, type XmlElement, type XmlNode } from './parse-xml.js';
export { runProcess, type RunProcessOptions, type RunProcessResult } from './run-process.js';
export { runRelatedTests, type RunRelatedTestsOptions, type RunRelatedTestsResult } from './run-related-tests.js';
export { TestRunnerAgent, testRunInputSchema, type TestRunInput, type TestRunnerAgentOptions } from './test-runner-agent.js';
export type { ParsedTestRun, TestFailure, TestRunnerName } from './test-failure.js';
