import { Evidence, EvidenceChunk, OutboxMessage } from '../../src/entities';
import { enqueue } from '../../src/bot/outbox';
import { MAX_EVIDENCE_BYTES } from '../../src/bot/evidence-store';
import type { OutboundMessage } from '../../src/handlers/ports';
import { FakePlatform } from '../../src/simulator/fake-platform';
import { describeEachDatabase } from '../support/databases';
import { eventually, startBot, TEST_ADMIN_TOKEN, type RunningBot } from '../support/harness';
import { addCase } from '../support/seed';

/**
 * Customers' photos and videos kept as evidence: downloaded through the platform's real HTTP
 * path (the fake platform on a real socket), never whole into memory past the limit, refused
 * downloads recorded as failed, and on a queue of their own so a slow one delays no message.
 */

let seq = 0;

describeEachDatabase('evidence downloads', ({ db, skipped }) => {
  let platform: FakePlatform;
  const bots: RunningBot[] = [];

  beforeEach(async () => {
    if (skipped()) return;
    platform = new FakePlatform();
    await platform.start();
  });
  afterEach(async () => {
    await Promise.all(bots.splice(0).map((b) => b.stop()));
    await platform?.stop();
  });

  const bot = async (background = false) => {
    const running = await startBot(db(), { platform, background });
    bots.push(running);
    return running;
  };

  /** An evidence record waiting for its file, and the outbox row that fetches it. */
  const evidenceFor = async (mediaPrefix: string, mediaType = 'image') => {
    const mediaId = `${mediaPrefix}_${seq++}`;
    const dedupKey = `evidence-test:${mediaId}`;
    const evidence = await db().write(async (m) => {
      const { ticket } = await addCase(m);
      const row = await m.save(m.create(Evidence, { ticketId: ticket.id, platform: 'wechat', mediaId, mediaType, contentType: null, size: 0, status: 'pending', receivedAt: Date.now(), fetchedAt: null }));
      const message: OutboundMessage = { type: 'fetch_media', to: { platform: 'wechat', id: 'o_evidence' }, mediaId, evidenceId: row.id };
      await enqueue(m, [{ dedupKey, message }], 0);
      return row;
    });
    return { mediaId, evidence, outbox: () => db().reader.findOneByOrFail(OutboxMessage, { dedupKey }), reload: () => db().reader.findOneByOrFail(Evidence, { id: evidence.id }) };
  };
  const chunksOf = (evidenceId: number) => db().reader.countBy(EvidenceChunk, { evidenceId });

  it('an endless file without a length is cut off at the limit, not read whole, and recorded as failed', async () => {
    if (skipped()) return;
    const running = await bot();
    const item = await evidenceFor('oversize');
    await running.bot.outbox.drain();
    expect((await item.reload()).status).toBe('failed');
    expect(await item.outbox()).toMatchObject({ status: 'undeliverable', attempts: 1 });
    expect((await item.outbox()).lastError).toContain('limit');
    expect(await chunksOf(item.evidence.id)).toBe(0);
    // the bot hung up soon after the limit (what sat in socket buffers aside), not at the server's 256 MB
    await eventually(() => platform.mediaHungUp.has(item.mediaId));
    expect(platform.mediaBytesServed.get(item.mediaId)!).toBeLessThan(MAX_EVIDENCE_BYTES + 16 * 1024 * 1024);
  });

  it('a video link is held to the same limit: a declared length over it is refused before reading, an undeclared one cut off', async () => {
    if (skipped()) return;
    const running = await bot();
    const declared = await evidenceFor('video_declared_oversize', 'video');
    const endless = await evidenceFor('video_oversize', 'video');
    await running.bot.outbox.drain();
    for (const item of [declared, endless]) {
      expect((await item.reload()).status).toBe('failed');
      expect((await item.outbox()).status).toBe('undeliverable');
      await eventually(() => platform.mediaHungUp.has(item.mediaId));
    }
    // refused on the header: far less than the limit went over the wire
    expect(platform.mediaBytesServed.get(declared.mediaId)!).toBeLessThan(MAX_EVIDENCE_BYTES);
  });

  it('a 404 (from media/get or from the video link) is recorded as failed and not retried; a 502 is retried', async () => {
    if (skipped()) return;
    const running = await bot();
    const missing = await evidenceFor('missing');
    const videoMissing = await evidenceFor('video_missing', 'video');
    await running.bot.outbox.drain();
    for (const item of [missing, videoMissing]) {
      expect((await item.reload()).status).toBe('failed');
      expect(await item.outbox()).toMatchObject({ status: 'undeliverable', attempts: 1 });
      expect((await item.outbox()).lastError).toContain('HTTP 404');
    }
    platform.script('/cgi-bin/media/get', { httpStatus: 502 });
    const passing = await evidenceFor('photo');
    await running.bot.outbox.drain();
    expect((await passing.reload()).status).toBe('pending');
    expect(await passing.outbox()).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('a video within the limit is stored with its type', async () => {
    if (skipped()) return;
    const running = await bot();
    const video = await evidenceFor('video', 'video');
    await running.bot.outbox.drain();
    expect(await video.reload()).toMatchObject({ status: 'stored', contentType: 'video/mp4', size: Buffer.byteLength(`fake-mp4:${video.mediaId}`) });
  });

  it('a slow media download does not delay an urgent message: they are on separate queues', async () => {
    if (skipped()) return;
    const running = await bot(true);
    const slow = await evidenceFor('slow');
    running.bot.outbox.kick();
    // the download has started and hangs on the platform
    await eventually(() => platform.slowMediaWaiting === 1);
    await db().write((m) =>
      enqueue(m, [{ dedupKey: `urgent:${seq++}`, message: { type: 'text', to: { platform: 'wecom', id: 'gm01' }, text: '严重投诉，请立即处理' } }], Date.now()),
    );
    running.bot.outbox.kick();
    await eventually(() => platform.delivered('/cgi-bin/message/send').find((b) => (b.text as { content?: string })?.content === '严重投诉，请立即处理'));
    expect((await slow.reload()).status).toBe('pending');
    platform.releaseSlowMedia();
    await eventually(async () => (await slow.reload()).status === 'stored');
  });

  it('a stored file is served as a download that a browser must not sniff', async () => {
    if (skipped()) return;
    const running = await bot();
    const photo = await evidenceFor('photo');
    await running.bot.outbox.drain();
    expect((await photo.reload()).status).toBe('stored');
    const response = await fetch(`${running.url}/api/evidence/${photo.evidence.id}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="evidence-${photo.evidence.id}.jpg"`);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await response.arrayBuffer()).toString('latin1')).toContain(`fake-jpeg:${photo.mediaId}`);
  });
});
