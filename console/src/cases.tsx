import { useEffect, useState } from 'react';
import { Button, Card, Descriptions, Image, Input, List, message, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { api, type CaseDetail, type CaseRow } from './api';
import { when } from './nav';
import { actorName, eventName, statusName } from './labels';

/** A form: its A4 print view, and the PDF beside it. */
export function FormLinks({ title, url }: { title: string; url: string }) {
  return (
    <Space.Compact>
      <Button size="small" href={url.replace(/\.pdf$/, '.html')} target="_blank">{title}</Button>
      <Button size="small" href={url} target="_blank">PDF</Button>
    </Space.Compact>
  );
}

export function CasesPage({ go }: { go: (to: string) => void }) {
  const [kind, setKind] = useState('');
  const [rows, setRows] = useState<CaseRow[]>([]);
  useEffect(() => void api.cases(kind ? `?kind=${kind}` : '').then((r) => setRows(r.cases), (e) => message.error(e.message)), [kind]);
  return (
    <Card title="工单" extra={<Select value={kind} onChange={setKind} style={{ width: 120 }} options={[{ value: '', label: '全部' }, { value: 'complaint', label: '投诉' }, { value: 'service_request', label: '售后' }, { value: 'question', label: '咨询' }]} />}>
      <Table rowKey="number" size="small" dataSource={rows} pagination={{ pageSize: 20 }} scroll={{ x: true }} columns={[
        { title: '编号', dataIndex: 'number', render: (n: string) => <a href={`/console/cases/${n}`} onClick={(e) => (e.preventDefault(), go(`/cases/${n}`))}>{n}</a> },
        { title: '类型', dataIndex: 'kindName' },
        { title: '程度', dataIndex: 'severity', render: (s: string | null) => (s === 'serious' ? <Tag color="red">严重</Tag> : s ? '普通' : '') },
        { title: '状态', dataIndex: 'status', render: statusName },
        { title: '受理', dataIndex: 'createdAt', render: when },
      ]} />
    </Card>
  );
}

export function CasePage({ number }: { number: string; go: (to: string) => void }) {
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [error, setError] = useState('');
  const [words, setWords] = useState<Record<string, string>>({});
  const load = () => api.case(number).then(setDetail, (e) => setError(e.message));
  useEffect(() => void load(), [number]);
  const act = async (run: () => Promise<{ answer: string | null }>) => {
    try {
      const result = await run();
      if (result.answer) message.info(result.answer);
      setWords({});
      await load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  if (error) return <Card><Typography.Text type="danger">{error}</Typography.Text></Card>;
  if (!detail) return <Card loading />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={`${detail.kindName} ${detail.number}`} extra={<Space wrap>{detail.forms.map((f) => <FormLinks key={f.url} {...f} />)}</Space>}>
        <Descriptions size="small" column={{ xs: 1, sm: 2 }} items={[
          { label: '状态', children: statusName(detail.status) },
          { label: '门店', children: detail.storeName ?? '' },
          { label: '客户', children: `${detail.customer.name ?? ''} ${detail.customer.phone ?? ''}` },
          { label: '地址', children: detail.customer.address ?? detail.customer.district ?? '' },
          { label: '内容', children: detail.summary },
        ]} />
      </Card>
      <Card title="处理步骤">
        <List dataSource={detail.steps} renderItem={(s) => (
          <List.Item data-testid={`step-${s.id}`}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <div><b>{s.roleName}</b> · {s.title} · {s.status === 'decided' ? <Tag color="green">{s.decision} · {s.decidedByName ?? s.decidedBy} · {when(s.decidedAt)}</Tag> : <Tag color="orange">待处理</Tag>}{s.text ? ` · ${s.text}` : ''}</div>
              {s.mine && s.choices.length > 0 && <Space wrap>{s.choices.map((c) => <Button key={c.key} type="primary" onClick={() => act(() => api.decide(number, s.id, { choice: c.key }))}>{c.text}</Button>)}</Space>}
              {s.mine && s.needsText && (
                <Space.Compact style={{ width: '100%' }}>
                  <Input placeholder="您的意见" value={words[`s${s.id}`] ?? ''} onChange={(e) => setWords({ ...words, [`s${s.id}`]: e.target.value })} />
                  <Button type="primary" onClick={() => act(() => api.decide(number, s.id, { text: words[`s${s.id}`] ?? '' }))}>提交</Button>
                </Space.Compact>
              )}
            </Space>
          </List.Item>
        )} />
      </Card>
      <Card title="时间线">
        <Timeline items={detail.timeline.map((e) => ({ children: <span>{when(e.at)} · {e.actorName ?? actorName(e.actor)} · {e.type === 'internal_note' ? <Tag>内部备注</Tag> : eventName(e.type)}{e.note ? `：${e.note}` : ''}</span> }))} />
      </Card>
      {detail.evidence.length > 0 && (
        <Card title="证据">
          <Space wrap>
            {detail.evidence.map((e) =>
              e.status !== 'stored' ? (
                <Tag key={e.id}>{e.mediaType} · {e.status === 'failed' ? '未能下载' : '下载中'}</Tag>
              ) : e.mediaType === 'image' ? (
                <Image key={e.id} width={120} src={e.url} alt={`证据 ${e.id}`} />
              ) : e.mediaType === 'voice' ? (
                <audio key={e.id} controls src={e.url} />
              ) : e.mediaType === 'video' ? (
                <video key={e.id} controls width={240} src={e.url} />
              ) : (
                <Button key={e.id} href={e.url} size="small">下载 {when(e.receivedAt)}</Button>
              ),
            )}
          </Space>
        </Card>
      )}
      {detail.penalties.length > 0 && <Card title="处罚单">{detail.penalties.map((p) => <Button key={p.id} href={p.pdf} target="_blank" size="small">员工处罚单 {p.id} · {p.amountYuan} 元 · {statusName(p.status)}</Button>)}</Card>}
      <Card title="告知客户（进展）">
        <Space.Compact style={{ width: '100%' }}>
          <Input placeholder="对客户说的话" value={words.progress ?? ''} onChange={(e) => setWords({ ...words, progress: e.target.value })} />
          <Button onClick={() => act(() => api.progress(number, words.progress ?? ''))}>发送</Button>
        </Space.Compact>
      </Card>
      <Card title="内部备注">
        <Space.Compact style={{ width: '100%' }}>
          <Input placeholder="仅同事可见" value={words.note ?? ''} onChange={(e) => setWords({ ...words, note: e.target.value })} />
          <Button onClick={() => act(() => api.note(number, words.note ?? ''))}>保存</Button>
        </Space.Compact>
      </Card>
    </Space>
  );
}
