import http from 'node:http';
import https from 'node:https';

/**
 * Most connections one client keeps open to the API server at a time: further requests wait for a free one
 * (kubectl sends everything over one HTTP/2 connection; eight HTTP/1.1 connections keep a diff's dry-runs in
 * parallel without a TLS handshake each).
 */
export const MAX_CONNECTIONS = 8;

/**
 * The agent the client sends its requests with: a keep-alive copy of the plain `http.Agent`/`https.Agent`
 * that `KubeConfig.applyToHTTPSOptions` builds (same CA, client certificate and TLS options), so one command
 * opens at most {@link MAX_CONNECTIONS} connections instead of one TLS handshake per request. A proxy agent
 * (SOCKS, HTTP CONNECT) is used as it is.
 */
export function keepAliveAgent(agent: http.Agent): http.Agent {
  const Plain = agent.constructor === https.Agent ? https.Agent : agent.constructor === http.Agent ? http.Agent : undefined;
  if (Plain === undefined) return agent;
  // Idle keep-alive sockets are unreferenced by the agent, so they never keep the process alive.
  const options = (agent as http.Agent & { options: http.AgentOptions }).options;
  return new Plain({ ...options, keepAlive: true, maxSockets: MAX_CONNECTIONS });
}
