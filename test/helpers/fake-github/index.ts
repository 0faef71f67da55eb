/**
 * The strict fake GitHub for tests: `startFakeGithub({ publicKey })` (or `{ privateKey }`), plus
 * `signAppJwt` to act as the app. See ./fake-github.ts.
 */
export { startFakeGithub, type FakeGithub, type FakeGithubOptions, type RecordedRequest, type Violation } from './fake-github.js';
export { signAppJwt, verifyAppJwt } from './app-jwt.js';
export { threadIdOf } from './fake-github-graphql.js';
export type { FakeCheckRun, FakeCommit, FakeComparison, FakeFile, FakeGithubState, FakeIssueComment, FakePermission, FakePullRequest, FakeReview, FakeReviewComment, FakeWorkflowJob, FakeWorkflowRun, FakeWorkflowStep } from './fake-github-state.js';
