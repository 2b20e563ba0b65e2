import type { Handler } from './ports';

/**
 * The table of contents of what the bot does with an inbound event. Each flow lives in its own
 * module; this file only routes.
 */
export const handleInbound: Handler = async (ctx) => {
  const { event } = ctx;
  switch (event.type) {
    case 'subscribe':
      ctx.reply('您好，欢迎关注！我是售后服务助手，可以帮您预约家政服务、处理投诉和售后问题、查询服务进度。请直接告诉我您的需要。');
      return;
    case 'unsubscribe':
      return;
    default:
      ctx.reply('您好，您的消息已收到，我们会尽快回复您。');
  }
};
