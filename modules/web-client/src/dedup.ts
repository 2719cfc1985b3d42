/**
 * Remembers the last eventIds seen per org, so an event delivered twice (e.g. across a leader
 * hand-over) is handled once. Bounded: `orgs` orgs × `perOrg` ids, least recently used first out.
 */
export class EventIdDedup {
  private readonly byOrg = new Map<string, Set<string>>();

  constructor(
    private readonly orgs = 3,
    private readonly perOrg = 1000,
  ) {}

  /** True the first time (orgId, eventId) is seen; false for a repeat. */
  firstTime(orgId: string, eventId: string): boolean {
    let ids = this.byOrg.get(orgId);
    if (ids) {
      this.byOrg.delete(orgId); // re-insert: most recently used org last
    } else {
      ids = new Set();
      if (this.byOrg.size >= this.orgs) {
        const oldest = this.byOrg.keys().next().value as string;
        this.byOrg.delete(oldest);
      }
    }
    this.byOrg.set(orgId, ids);
    if (ids.has(eventId)) {
      return false;
    }
    ids.add(eventId);
    if (ids.size > this.perOrg) {
      const oldest = ids.values().next().value as string;
      ids.delete(oldest);
    }
    return true;
  }
}
