import { MemoryHistoryStore } from '../../lambda/sim/memory-history-store';
import { describeHistoryStoreContract } from '../aws/history-store-contract';
import { describeLedgerContract } from '../aws/ledger-store-contract';

describeHistoryStoreContract('MemoryHistoryStore', async () => new MemoryHistoryStore());
describeLedgerContract('MemoryHistoryStore', async () => new MemoryHistoryStore());
