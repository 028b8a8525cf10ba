import type { Message, PigeonClient, PublicUser } from '@pigeon/client';

/**
 * Names for the ids in events: what to call a conversation (a group's name, or the other
 * person's username) and its members. Fetched once, and again when an unknown one turns up.
 */
export class Directory {
  private conversations = new Map<string, string>();
  private users = new Map<string, string>();

  constructor(
    private readonly pigeon: PigeonClient,
    me: PublicUser,
  ) {
    this.users.set(me.id, me.username);
  }

  async refresh(): Promise<void> {
    for (const c of await this.pigeon.conversations.list.query()) {
      const others = c.members.map((m) => m.username);
      this.conversations.set(c.id, c.kind === 'group' ? `#${c.name ?? 'group'}` : `@${others.join(',')}`);
      for (const member of c.members) this.users.set(member.id, member.username);
    }
  }

  /** The conversation's and the sender's names, fetching the list again if either is new. */
  async namesFor(message: Message): Promise<{ where: string; sender: string }> {
    if (!this.conversations.has(message.conversationId) || !this.users.has(message.senderId)) {
      await this.refresh().catch(() => undefined);
    }
    return {
      where: this.conversations.get(message.conversationId) ?? message.conversationId,
      sender: this.users.get(message.senderId) ?? message.senderId,
    };
  }
}
