import { useEffect, useState } from 'react';

/** Pages are paths under /console (a 详情 link such as /console/cases/TS… opens its page directly). */
export function usePath(): [string, (to: string) => void] {
  const [path, setPath] = useState(() => location.pathname.replace(/^\/console/, '') || '/');
  useEffect(() => {
    const back = () => setPath(location.pathname.replace(/^\/console/, '') || '/');
    addEventListener('popstate', back);
    return () => removeEventListener('popstate', back);
  }, []);
  const go = (to: string) => {
    history.pushState(null, '', `/console${to}`);
    setPath(to.split('?')[0]);
  };
  return [path.split('?')[0], go];
}

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '');
export const waited = (minutes: number) => (minutes < 60 ? `${minutes} 分钟` : minutes < 1440 ? `${Math.floor(minutes / 60)} 小时` : `${Math.floor(minutes / 1440)} 天`);
