import { useEffect, useState } from 'react';
import { Alert, Button, Layout, Menu, Result, Spin, Typography } from 'antd';
import { api, ApiRefused, setCsrf, type Me } from './api';
import { usePath } from './nav';
import { DevLogin } from './DevLogin';
import { AuditPage, CustomersPage, LeadsPage, QueuePage, ReportsPage } from './pages';
import { ArchivesPage } from './archives';
import { CasePage, CasesPage } from './cases';

const PAGES: { key: string; path: string; label: string }[] = [
  { key: 'queue', path: '/', label: '我的待办' },
  { key: 'cases', path: '/cases', label: '工单' },
  { key: 'leads', path: '/leads', label: '线索' },
  { key: 'customers', path: '/customers', label: '客户' },
  { key: 'archives', path: '/archives', label: '档案' },
  { key: 'reports', path: '/reports', label: '报表' },
  { key: 'audit', path: '/audit', label: '审计' },
];

export function App() {
  const [path, go] = usePath();
  const [me, setMe] = useState<Me | null | 'out'>(null);
  useEffect(() => {
    api.me().then(
      (m) => {
        setCsrf(m.csrfToken);
        setMe(m);
      },
      async (error) => {
        if (!(error instanceof ApiRefused) || error.status !== 401) return setMe('out');
        const options = await api.options();
        // not logged in: WeCom login (inside WeCom without a second step), or the development chooser
        if (options.devLogin) setMe('out');
        else location.href = `/console/auth/start?next=${encodeURIComponent(location.pathname + location.search)}`;
      },
    );
  }, []);
  if (me === null) return <Spin style={{ margin: 48 }} />;
  if (me === 'out' || path === '/login') return <DevLogin />;
  const page = PAGES.find((p) => (p.path === '/' ? path === '/' : path.startsWith(p.path)));
  const allowed = page ? me.pages.includes(page.key as Me['pages'][number]) : false;
  let content;
  if (!page || !allowed) content = <Result status="403" title="无权查看" subTitle="这个页面不在您的角色权限范围内。" />;
  else if (page.key === 'cases' && path.startsWith('/cases/')) content = <CasePage number={decodeURIComponent(path.slice('/cases/'.length))} go={go} />;
  else content = { queue: <QueuePage go={go} />, cases: <CasesPage go={go} />, leads: <LeadsPage me={me} />, customers: <CustomersPage go={go} />, archives: <ArchivesPage me={me} />, reports: <ReportsPage />, audit: <AuditPage /> }[page.key];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      {me.devLogin && <Alert type="error" banner message="开发登录：未连接企业微信，任何人都可以选择身份进入。切勿在正式环境使用。" />}
      <Layout.Header style={{ display: 'flex', alignItems: 'center', padding: '0 12px', background: '#fff', gap: 8, flexWrap: 'wrap', height: 'auto', lineHeight: '48px' }}>
        <Typography.Text strong>售后工作台</Typography.Text>
        <Menu mode="horizontal" selectedKeys={page ? [page.key] : []} style={{ flex: 1, minWidth: 0, borderBottom: 0 }} items={PAGES.filter((p) => me.pages.includes(p.key as Me['pages'][number])).map((p) => ({ key: p.key, label: <a href={`/console${p.path}`} onClick={(e) => (e.preventDefault(), go(p.path))}>{p.label}</a> }))} />
        <Typography.Text type="secondary" data-testid="who">{me.name}{me.storeName ? ` · ${me.storeName}` : ''}</Typography.Text>
        <Button size="small" onClick={() => api.logout().then(() => (location.href = '/console/'))}>退出</Button>
      </Layout.Header>
      <Layout.Content style={{ padding: 12, maxWidth: 1100, width: '100%', margin: '0 auto' }}>{content}</Layout.Content>
    </Layout>
  );
}
