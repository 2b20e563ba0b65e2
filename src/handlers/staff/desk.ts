import { Staff } from '../../entities/staff';
import type { HandlerContext, StaffAnswer, StaffButton, StaffCommand } from '../ports';
import { say } from '../../../config/say';
import { findRow } from '../../entities/rows';

/**
 * What staff send the bot in WeCom, routed the way a grammY composer routes: card buttons by the
 * prefix of their key, chat commands by their first words, then the answers in words to steps
 * that wait for them; anything else gets help. The rooms bring the buttons, commands and answers;
 * the table of contents (src/handlers/index.ts) registers them here, in the order they are tried.
 */

export const STAFF_HELP = say('staff.help');

/** Takes a photo a member of staff sent, if it is something a flow asked them for. */
export type StaffPicture = (ctx: HandlerContext, staff: Staff, mediaId: string) => Promise<boolean>;

interface Command {
  pattern: RegExp;
  run: StaffCommand<Staff | null>;
}

export class StaffDesk {
  private readonly buttons: { prefix: string; press: StaffButton }[] = [];
  /** Commands that check who may use them themselves: tried before the sender must be active staff. */
  private readonly openCommands: Command[] = [];
  private readonly commands: Command[] = [];
  private readonly answers: StaffAnswer[] = [];
  private readonly pictures: StaffPicture[] = [];

  /** A photo sent by active staff (the signed penalty slip they were asked for); tried in order. */
  picture(take: StaffPicture): this {
    this.pictures.push(take);
    return this;
  }

  /** A card button whose key starts with `prefix` (`lead:`, `ap:`). */
  button(prefix: string, press: StaffButton): this {
    this.buttons.push({ prefix, press });
    return this;
  }

  /** A chat command for active staff, recognised by the start of the text. */
  command(pattern: RegExp, run: StaffCommand): this {
    this.commands.push({ pattern, run: run as StaffCommand<Staff | null> });
    return this;
  }

  /** A chat command that checks the sender itself (and answers anyone it refuses). */
  openCommand(pattern: RegExp, run: StaffCommand<Staff | null>): this {
    this.openCommands.push({ pattern, run });
    return this;
  }

  /** Free text that may answer something waiting for this person; tried after the commands. */
  answer(answer: StaffAnswer): this {
    this.answers.push(answer);
    return this;
  }

  readonly handle = async (ctx: HandlerContext): Promise<void> => {
    const { event } = ctx;
    const staff = await findRow(ctx.db, Staff, { wecomUserId: event.from });
    if (event.type === 'card_click') {
      const button = this.buttons.find((b) => event.key.startsWith(b.prefix));
      if (button) return button.press(ctx, staff, event.key, event.taskId);
      ctx.log.warn({ key: event.key.slice(0, 64) }, 'card button with an unknown key');
      ctx.reply(say('staff.staleButton'));
      return;
    }
    if (event.type === 'image' && staff?.active) {
      for (const take of this.pictures) if (await take(ctx, staff, event.mediaId)) return;
    }
    if (event.type !== 'text') {
      if (event.type === 'subscribe') ctx.reply(STAFF_HELP);
      return;
    }
    const open = this.openCommands.find((c) => c.pattern.test(event.text));
    if (open) return open.run(ctx, staff, event.text);
    if (!staff || !staff.active) {
      ctx.reply(STAFF_HELP);
      return;
    }
    const command = this.commands.find((c) => c.pattern.test(event.text));
    if (command) return command.run(ctx, staff, event.text);
    for (const answer of this.answers) if (await answer(ctx, staff, event.text)) return;
    ctx.reply(say('staff.nothingPending', { help: STAFF_HELP }));
  };
}
