/**
 * SceneMultiplayer's authentication sessions (Godot's `pending_peers`): a peer the transport
 * connected while an auth callback was set stays here, exchanging AUTH messages, until both ends
 * have called `complete_auth` (then it is admitted) or the timeout passes (then it is dropped).
 */

interface PendingPeer {
  /** This end called `completeAuth`. */
  local: boolean;
  /** The other end sent its empty AUTH ("complete"). */
  remote: boolean;
  /** When the transport connected it (the auth clock's milliseconds). */
  since: number;
}

export class AuthSessions {
  // Godot's HashMap keeps insertion order through erasure, as a JS Map does.
  readonly #pending = new Map<number, PendingPeer>();

  get size(): number {
    return this.#pending.size;
  }

  has(id: number): boolean {
    return this.#pending.has(id);
  }

  start(id: number, now: number): void {
    this.#pending.set(id, { local: false, remote: false, since: now });
  }

  isLocalDone(id: number): boolean {
    return this.#pending.get(id)?.local ?? false;
  }

  isRemoteDone(id: number): boolean {
    return this.#pending.get(id)?.remote ?? false;
  }

  markLocalDone(id: number): void {
    const peer = this.#pending.get(id);
    if (peer !== undefined) peer.local = true;
  }

  markRemoteDone(id: number): void {
    const peer = this.#pending.get(id);
    if (peer !== undefined) peer.remote = true;
  }

  delete(id: number): boolean {
    return this.#pending.delete(id);
  }

  clear(): void {
    this.#pending.clear();
  }

  ids(): number[] {
    return [...this.#pending.keys()];
  }

  /** The sessions whose timeout has passed: Godot's `time + auth_timeout <= now`. */
  expired(now: number, timeoutMs: number): number[] {
    const out: number[] = [];
    for (const [id, peer] of this.#pending) {
      if (peer.since + timeoutMs <= now) out.push(id);
    }
    return out;
  }
}
