/** Where the server is in its life: what the probes report and what requests are answered with. */
export type Readiness = 'starting' | 'ready' | 'draining';
