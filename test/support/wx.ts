/**
 * Builds callbacks exactly as WeChat and WeCom send them (PROTOCOL.md §1-3). The builders live
 * in src/simulator/callbacks.ts so that the simulator and the tests share one implementation.
 */
export {
  OA,
  WECOM,
  platformEnv,
  nextMsgId,
  freshResponseCode,
  oaText,
  oaEvent,
  wecomText,
  wecomCardClick,
  oaSafeRequest,
  oaPlainRequest,
  wecomRequest,
  openReply,
  replyContent,
} from '../../src/simulator/callbacks';
export type { SignedRequest, OaCredentials, WecomCredentials } from '../../src/simulator/callbacks';
