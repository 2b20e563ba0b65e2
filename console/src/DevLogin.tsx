import { useEffect, useState } from 'react';
import { Alert, Button, Card, List, Result } from 'antd';
import { api } from './api';

/** Only with CONSOLE_DEV_LOGIN=true and no platform configured (the server refuses otherwise). */
export function DevLogin() {
  const [staff, setStaff] = useState<{ userId: string; name: string; roles: string[] }[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => void api.devStaff().then((s) => setStaff(s.staff), () => setFailed(true)), []);
  if (failed) return <Result status="warning" title="请从企业微信进入工作台" extra={<Button href="/console/auth/start">企业微信登录</Button>} />;
  return (
    <Card title="开发登录" style={{ maxWidth: 480, margin: '24px auto' }}>
      <Alert type="error" showIcon message="这是开发登录" description="未配置企业微信时才会出现：选择一位员工即以其身份进入。正式环境请配置企业微信，此登录会被拒绝。" style={{ marginBottom: 12 }} />
      <List dataSource={staff ?? []} loading={!staff} renderItem={(s) => (
        <List.Item actions={[<Button key="in" onClick={() => api.devLogin(s.userId).then(() => (location.href = '/console/'))}>进入</Button>]}>
          {s.name}（{s.roles.join('、')}）
        </List.Item>
      )} />
    </Card>
  );
}
