package client

// Docker Home paths that the client's errors and hints name. They repeat
// steps/data/docker.yaml, where every Docker label lives with its source,
// because client may not import steps (dependencies point one way);
// TestClientHintsFollowDockerData in package cli fails when they differ.
const (
	// SCIMValuesPath is where Docker shows the SCIM Base URL and API Token
	// again (steps.SCIMValuesAgain).
	SCIMValuesPath = "Identity & auth → SSO and SCIM → Actions → Edit SCIM"
	// SSOAndSCIMPage is the page with the SSO connections
	// (steps.SSOAndSCIMPage).
	SSOAndSCIMPage = "Docker Home → Identity & auth → SSO and SCIM"
	// AccessTokensPage is where organization access tokens are made
	// (steps.Docker().AccessTokens, plain).
	AccessTokensPage = "Docker Home → Identity & auth → Access tokens"
	// EnableJITAction turns JIT provisioning back on
	// (steps.Docker().EnableJIT, plain).
	EnableJITAction = "Actions → Enable JIT provisioning → Enable"
)
