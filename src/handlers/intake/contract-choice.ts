import { In, type EntityManager } from 'typeorm';
import { say } from '../../../config/say';
import { Housekeeper, type Contract } from '../../entities';
import { activeContractsOf, contractForCase } from '../customers';

/**
 * A complaint from a customer with several running contracts that names none of them (R-ID-2):
 * the dialogue asks which one — number, service and the housekeeper's surname, answered by its
 * number in the list, the contract number, the surname or the service — so the case reaches that
 * store and knows that housekeeper, rather than waiting for staff to 关联 it.
 */

/** The contracts to choose from, or null when the case's contract is already clear (one, or named). */
export async function contractsToChooseFrom(db: EntityManager, customerId: number, text: string): Promise<Contract[] | null> {
  const active = await activeContractsOf(db, customerId);
  if (active.length < 2 || (await contractForCase(db, customerId, text))) return null;
  return active;
}

/** 「李阿姨」 from 李秀兰 (or 李阿姨): how customers name the housekeeper. */
const surnameOf = (housekeeper: Housekeeper | undefined) => (housekeeper ? say('intake.contract.housekeeper', { surname: housekeeper.name.slice(0, 1) }) : say('intake.contract.noHousekeeper'));

async function housekeepersOf(db: EntityManager, contracts: Contract[]): Promise<Map<number, Housekeeper>> {
  const ids = contracts.map((c) => c.housekeeperId).filter((id): id is number => id !== null);
  return new Map((ids.length ? await db.find(Housekeeper, { where: { id: In(ids) } }) : []).map((h) => [h.id, h]));
}

/** The question with the list, one short line per contract. */
export async function contractQuestion(db: EntityManager, contracts: Contract[]): Promise<string> {
  const housekeepers = await housekeepersOf(db, contracts);
  const lines = contracts.map((c, i) =>
    say('intake.contract.line', { n: i + 1, contractNo: c.number, service: c.serviceType ?? say('common.serviceDefault'), housekeeper: surnameOf(c.housekeeperId ? housekeepers.get(c.housekeeperId) : undefined) }),
  );
  return `${say('intake.ask.contract')}\n${lines.join('\n')}`;
}

/** The contract the answer picks, with how it is named back; null when it picks none or several. */
export async function pickContract(db: EntityManager, contracts: Contract[], answer: string): Promise<{ contract: Contract; label: string } | null> {
  const housekeepers = await housekeepersOf(db, contracts);
  const text = answer.trim().toUpperCase();
  const index = /^(?:第\s*)?([1-9])\s*(?:个|份|号)?$/.exec(text) ?? /^第?([一二三四五六七八九])(?:个|份)?$/.exec(text); // input words: 第一个, 2
  const position = index ? ('一二三四五六七八九'.indexOf(index[1]) + 1 || Number(index[1])) : 0; // input words
  const matches = position
    ? contracts.filter((_, i) => i === position - 1)
    : contracts.filter((c) => {
        const housekeeper = c.housekeeperId ? housekeepers.get(c.housekeeperId) : undefined;
        return text.includes(c.number.toUpperCase()) || (housekeeper && text.includes(housekeeper.name.slice(0, 1))) || (c.serviceType && text.includes(c.serviceType));
      });
  if (matches.length !== 1) return null;
  const [contract] = matches;
  return { contract, label: surnameOf(contract.housekeeperId ? housekeepers.get(contract.housekeeperId) : undefined) };
}
