import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from './api';

const busy = () =>
  new Response(JSON.stringify({ error: { code: 'unavailable', message: 'Halo is busy answering other requests; try again in a moment' } }), {
    status: 503,
    headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
  });
const ok = () => new Response(JSON.stringify({ id: 'ana' }), { status: 200, headers: { 'Content-Type': 'application/json' } });

describe('a read refused because Halo is at capacity', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('is tried again after Retry-After', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn().mockResolvedValueOnce(busy()).mockResolvedValueOnce(ok());
    vi.stubGlobal('fetch', fetch);
    const got = api<{ id: string }>('/members/ana');
    await vi.advanceTimersByTimeAsync(999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(got).resolves.toEqual({ id: 'ana' });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('shows the API message after three refusals', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn().mockImplementation(async () => busy());
    vi.stubGlobal('fetch', fetch);
    const got = api('/members/ana').catch((e) => e);
    await vi.advanceTimersByTimeAsync(5000);
    const err = (await got) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(err.message).toContain('busy');
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('is not repeated for a write', async () => {
    const fetch = vi.fn().mockImplementation(async () => busy());
    vi.stubGlobal('fetch', fetch);
    await expect(api('/members', { method: 'POST', body: {} })).rejects.toBeInstanceOf(ApiError);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
