import { MemoryHistoryStore } from '../../lambda/sim/memory-history-store';
import { describeHistoryStoreContract } from '../aws/history-store-contract';

describeHistoryStoreContract('MemoryHistoryStore', async () => new MemoryHistoryStore());
