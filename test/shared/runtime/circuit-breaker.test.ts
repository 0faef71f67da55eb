import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker } from '../../../shared/runtime/circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('goes closed -> open -> half-open -> closed', () => {
    const circuit = new CircuitBreaker(2, 100);
    expect(circuit.state(0)).toBe('closed');
    expect(circuit.onFailure('normal', 0)).toBe(false);
    expect(circuit.onFailure('normal', 10)).toBe(true);
    expect(circuit.state(50)).toBe('open');
    expect(circuit.acquire(109)).toBeUndefined();
    expect(circuit.state(110)).toBe('half_open');
    expect(circuit.acquire(110)).toBe('trial');
    expect(circuit.acquire(110)).toBeUndefined();
    expect(circuit.onSuccess('trial')).toBe(true);
    expect(circuit.state(110)).toBe('closed');
    expect(circuit.consecutiveFailures).toBe(0);
  });

  it('re-opens on a failed trial and ignores stale outcomes while open', () => {
    const circuit = new CircuitBreaker(1, 100);
    circuit.onFailure('normal', 0);
    // A call admitted before the circuit opened neither closes it nor re-opens it.
    expect(circuit.onSuccess('normal')).toBe(false);
    expect(circuit.onFailure('normal', 50)).toBe(false);
    expect(circuit.retryAt).toBe(100);
    expect(circuit.acquire(100)).toBe('trial');
    expect(circuit.onFailure('trial', 100)).toBe(true);
    expect(circuit.retryAt).toBe(200);
    expect(circuit.acquire(200)).toBe('trial');
    circuit.release('trial');
    expect(circuit.acquire(200)).toBe('trial');
  });
});
