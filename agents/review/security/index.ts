/** The security-scanner agent of the review swarm. */
export { scanSecurity, SECURITY_AGENT_ID, type SecurityScanFile, type SecurityScanOptions } from './scan-security.js';
export { SecurityScannerAgent, type SecurityScanInput } from './security-scanner-agent.js';
export { SECURITY_RULES, type SecurityClass, type SecurityRule } from './rules.js';
