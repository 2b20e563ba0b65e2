import { useState } from 'react';
import { Alert, Card, Progress, Radio, Table, Tabs, Tag, Upload } from 'antd';
import { api, type ContractChain, type HousekeeperRow, type ImportReport, type Me } from './api';
import { when } from './nav';
import { statusName } from './labels';
import { useLoad } from './pages';

const MOVEMENT: Record<string, string> = { new: '新到', on_duty: '上岗', returned: '返回', resigned: '辞职' };

function Housekeepers() {
  const rows = useLoad(() => api.housekeepers().then((r) => r.housekeepers));
  return (
    <Table<HousekeeperRow> rowKey="id" size="small" loading={!rows} dataSource={rows ?? []} scroll={{ x: true }} columns={[
      { title: '编号', dataIndex: 'code' },
      { title: '姓名', dataIndex: 'name' },
      { title: '状态', dataIndex: 'status', render: (s: string) => MOVEMENT[s] ?? s },
      { title: '技能', dataIndex: 'skills' },
      { title: '流动登记', dataIndex: 'movements', render: (m: HousekeeperRow['movements']) => m.map((x) => `${MOVEMENT[x.kind] ?? x.kind} ${when(x.at).slice(0, 10)}`).join('，') },
    ]} />
  );
}

function Contracts() {
  const chains = useLoad(() => api.contracts().then((r) => r.chains));
  return (
    <Table<ContractChain> rowKey={(c) => c.terms[0].id} size="small" loading={!chains} dataSource={chains ?? []} scroll={{ x: true }} columns={[
      { title: '客户', dataIndex: 'customerName' },
      { title: '阿姨', dataIndex: 'housekeeper' },
      { title: '门店', dataIndex: 'store' },
      { title: '合同（续签链，最新在前）', dataIndex: 'terms', render: (terms: ContractChain['terms']) => terms.map((t) => <div key={t.id}>{t.number} · {t.startDate} 至 {t.endDate} · {t.amountYuan} 元 <Tag>{statusName(t.status)}</Tag></div>) },
    ]} />
  );
}

/** A spreadsheet saved as CSV: the upload's progress, then the per-row report. */
function Import({ me }: { me: Me }) {
  const kinds = [...(me.roles.some((r) => ['hr', 'cs_manager', 'gm'].includes(r)) ? [{ value: 'housekeepers', label: '阿姨档案' }] : []), ...(me.roles.some((r) => ['cs_manager', 'gm'].includes(r)) ? [{ value: 'contracts', label: '合同' }] : [])];
  const [kind, setKind] = useState(kinds[0]?.value ?? 'housekeepers');
  const [percent, setPercent] = useState<number | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState('');
  if (kinds.length === 0) return <Alert type="info" message="您的角色不能导入档案。" />;
  return (
    <>
      <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)} options={kinds} style={{ marginBottom: 12 }} />
      <Upload.Dragger accept=".csv,text/csv" showUploadList={false} customRequest={({ file }) => {
        setReport(null);
        setError('');
        setPercent(0);
        api.importCsv(kind as 'housekeepers' | 'contracts', file as File, setPercent).then(setReport, (e) => setError((e as Error).message)).finally(() => setPercent(null));
      }}>
        <p>点击或拖入 CSV 文件（Excel「另存为 CSV UTF-8」）</p>
      </Upload.Dragger>
      {percent !== null && <Progress percent={percent} status="active" format={(p) => (p === 100 ? '导入中…' : `${p}%`)} />}
      {error && <Alert type="error" message={error} style={{ marginTop: 12 }} />}
      {report && (
        <Card data-testid="import-report" size="small" style={{ marginTop: 12 }} title={`共 ${report.total} 行：新增 ${report.created}，更新 ${report.updated}，未变 ${report.unchanged}，拒绝 ${report.rejected.length}`}>
          <Table size="small" rowKey="row" dataSource={report.rejected} pagination={{ pageSize: 20 }} columns={[
            { title: '行', dataIndex: 'row' },
            { title: '编号', render: (_: unknown, r: ImportReport['rejected'][number]) => r.code ?? r.number ?? '' },
            { title: '原因', dataIndex: 'reason' },
          ]} />
        </Card>
      )}
    </>
  );
}

export function ArchivesPage({ me }: { me: Me }) {
  const seesContracts = me.roles.some((r) => ['cs_specialist', 'cs_manager', 'gm', 'store_manager', 'consultant'].includes(r));
  return (
    <Card title="档案">
      <Tabs items={[
        { key: 'hk', label: '阿姨档案与流动登记', children: <Housekeepers /> },
        ...(seesContracts ? [{ key: 'ct', label: '合同', children: <Contracts /> }] : []),
        { key: 'im', label: '导入', children: <Import me={me} /> },
      ]} />
    </Card>
  );
}
