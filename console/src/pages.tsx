import { useEffect, useState } from 'react';
import { Button, Card, DatePicker, Input, List, message, Select, Space, Table, Tag, Typography } from 'antd';
import { api, type Me, type AuditRow, type CustomerDetail, type CustomerRow, type LeadRow, type MonthlyReportJson, type QueueItem } from './api';
import { waited, when } from './nav';
import { statusName } from './labels';
import { FormLinks } from './cases';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => void load().then(setValue, (e) => message.error(e.message)), deps);
  return value;
}

export function QueuePage({ go }: { go: (to: string) => void }) {
  const [version, setVersion] = useState(0);
  const [words, setWords] = useState<Record<number, string>>({});
  const items = useLoad(() => api.queue().then((r) => r.items), [version]);
  // a lead's buttons are its lead card's; a step's go to its case, as on the case page
  const act = (i: QueueItem, action: { choice: string } | { text: string }) =>
    (i.kind === 'lead' && 'choice' in action ? api.leadAction(i.id, action.choice) : api.decide(i.number!, i.id, action)).then((r) => {
      if (r.answer) message.info(r.answer);
      setVersion(version + 1);
    }, (e) => message.error(e.message));
  return (
    <Card title="我的待办">
      <List loading={!items} dataSource={items ?? []} locale={{ emptyText: '暂无待办' }} renderItem={(i: QueueItem) => (
        <List.Item data-testid={`queue-${i.kind}-${i.id}`} actions={[<a key="go" href={`/console${i.link}`} onClick={(e) => (e.preventDefault(), go(i.link))}>详情</a>]}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <List.Item.Meta title={`${i.number ?? ''} ${i.title}`} description={`已等待 ${waited(i.waitedMinutes)} · ${when(i.since)}`} />
            {i.actions && i.actions.choices.length > 0 && <Space wrap>{i.actions.choices.map((c) => <Button key={c.key} size="small" type="primary" onClick={() => act(i, { choice: c.key })}>{c.text}</Button>)}</Space>}
            {i.actions?.needsText && (
              <Space.Compact style={{ width: '100%' }}>
                <Input size="small" placeholder="您的意见" value={words[i.id] ?? ''} onChange={(e) => setWords({ ...words, [i.id]: e.target.value })} />
                <Button size="small" type="primary" onClick={() => act(i, { text: words[i.id] ?? '' })}>提交</Button>
              </Space.Compact>
            )}
          </Space>
        </List.Item>
      )} />
    </Card>
  );
}

const leadColumns = [
  { title: '编号', dataIndex: 'number' },
  { title: '状态', dataIndex: 'status', render: statusName },
  { title: '服务', dataIndex: 'serviceType' },
  { title: '区域', dataIndex: 'district' },
  { title: '顾问', dataIndex: 'consultantName' },
  { title: '受理', dataIndex: 'createdAt', render: when },
  { title: '表格', dataIndex: 'pdf', render: (url: string) => <FormLinks title="客户信息受理表" url={url} /> },
];

const LEAD_STATUSES = ['', 'assigned', 'accepted', 'contacted', 'signed', 'lost'];

/** 线索 by status; a store manager (their store), the CS manager and the GM can 改派 an open lead. */
export function LeadsPage({ me }: { me: Me }) {
  const [status, setStatus] = useState('');
  const [version, setVersion] = useState(0);
  const leads = useLoad(() => api.leads(status).then((r) => r.leads), [status, version]);
  const mayReassign = me.roles.some((r) => ['store_manager', 'cs_manager', 'gm'].includes(r));
  const consultants = useLoad(() => (mayReassign ? api.consultants().then((r) => r.consultants) : Promise.resolve([])));
  const reassign = (lead: LeadRow, consultantId: number) =>
    api.reassign(lead.id, consultantId).then((r) => {
      if (r.answer) message.success(r.answer);
      setVersion(version + 1);
    }, (e) => message.error(e.message));
  const columns = [
    ...leadColumns,
    ...(mayReassign
      ? [{ title: '改派', dataIndex: 'id', render: (_: number, lead: LeadRow) => (['assigned', 'accepted', 'new'].includes(lead.status) ? <Select size="small" placeholder="改派给" style={{ width: 110 }} onChange={(id: number) => reassign(lead, id)} options={(consultants ?? []).filter((c) => c.name !== lead.consultantName).map((c) => ({ value: c.id, label: c.name }))} /> : null) }]
      : []),
  ];
  return (
    <Card title="线索" extra={<Select value={status} onChange={setStatus} style={{ width: 110 }} options={LEAD_STATUSES.map((s) => ({ value: s, label: s ? statusName(s) : '全部' }))} />}>
      <Table<LeadRow> rowKey="id" size="small" loading={!leads} dataSource={leads ?? []} scroll={{ x: true }} columns={columns} />
    </Card>
  );
}

export function CustomersPage({ go }: { go: (to: string) => void }) {
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<CustomerRow[]>([]);
  const [detail, setDetail] = useState<CustomerDetail | null>(null);
  const search = (value: string) => api.customers(value).then((r) => setRows(r.customers), (e) => message.error(e.message));
  useEffect(() => void search(''), []);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title="客户">
        <Input.Search placeholder="手机号、合同编号或阿姨编号" value={q} onChange={(e) => setQ(e.target.value)} onSearch={search} enterButton="查找" />
        <Table<CustomerRow> rowKey="id" size="small" dataSource={rows} style={{ marginTop: 12 }} scroll={{ x: true }} onRow={(r) => ({ onClick: () => api.customer(r.id).then(setDetail, (e) => message.error(e.message)) })} columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '电话', dataIndex: 'phone' },
          { title: '区域', dataIndex: 'district' },
          { title: '', dataIndex: 'isMajor', render: (m: boolean) => (m ? <Tag color="gold">重要客户</Tag> : null) },
        ]} />
      </Card>
      {detail && (
        <Card title={`${detail.name ?? ''} ${detail.phone ?? ''}`}>
          <Typography.Paragraph>{detail.address}</Typography.Paragraph>
          <List header="工单" dataSource={detail.cases} renderItem={(c) => <List.Item><a onClick={() => go(`/cases/${c.number}`)}>{c.number}</a> {c.kindName} {statusName(c.status)}</List.Item>} />
          <List header="合同" dataSource={detail.contracts} renderItem={(c) => <List.Item>{c.number} {c.startDate} 至 {c.endDate} {c.status}</List.Item>} />
          <Table<LeadRow> rowKey="id" size="small" dataSource={detail.leads} columns={leadColumns} pagination={false} scroll={{ x: true }} />
        </Card>
      )}
    </Space>
  );
}

const lastMonth = () => {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};

export function ReportsPage() {
  const [month, setMonth] = useState(lastMonth());
  const report = useLoad<MonthlyReportJson>(() => api.report(month), [month]);
  return (
    <Card title={`报表 · ${month}`} extra={<DatePicker picker="month" allowClear={false} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} />}>
      <Space wrap style={{ marginBottom: 12 }}>{report?.forms.map((f) => (f.url.endsWith('.pdf') ? <FormLinks key={f.url} {...f} /> : <Button key={f.url} size="small" href={f.url}>{f.title}</Button>))}</Space>
      {report && report.stores.length > 0 && (
        <Table size="small" rowKey="store" pagination={false} dataSource={report.stores} style={{ marginBottom: 12 }} columns={[
          { title: '门店', dataIndex: 'store' },
          { title: '咨询', dataIndex: 'inquiries' },
          { title: '成交', dataIndex: 'signed' },
          { title: '投诉', dataIndex: 'complaints' },
        ]} />
      )}
      <Space wrap>{report?.charts.map((c) => <img key={c.filename} src={c.dataUrl} alt={c.filename} style={{ maxWidth: '100%' }} />)}</Space>
      {report?.markdown && <pre style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit' }}>{report.markdown.replace(/<[^>]+>/g, '').replace(/\*\*/g, '')}</pre>}
    </Card>
  );
}

export function AuditPage() {
  const rows = useLoad(() => api.audit().then((r) => r.entries));
  return (
    <Card title="审计">
      <Table<AuditRow> rowKey="id" size="small" loading={!rows} dataSource={rows ?? []} scroll={{ x: true }} columns={[
        { title: '时间', dataIndex: 'at', render: when },
        { title: '谁', dataIndex: 'actorName', render: (n: string | null, r) => n ?? r.actor },
        { title: '做了什么', dataIndex: 'action', render: (a: string) => (a.endsWith('.view') ? <Tag color="blue">查看个人信息</Tag> : a) },
        { title: '对象', dataIndex: 'subject', render: (s: string, r) => `${s} #${r.subjectId ?? ''}` },
        { title: '经由', dataIndex: 'changes', render: (c: { via?: string } | null) => c?.via ?? '' },
      ]} />
    </Card>
  );
}
