/** What "download my data" and "delete my data" need from storage. */
import type { Delivery, Watermark } from '../delivery/index.ts';
import type { ErasedAddresses } from '../subscribers/index.ts';

/** Everything stored about one reader. */
export interface PersonalDataStore extends ErasedAddresses {
  /** The reader's rows in the send ledger, any edition. */
  deliveriesTo(email: string): AsyncIterable<Delivery>;
  /** Where the reader's next digest starts (the last edition sent to them); undefined before the first. */
  watermarkOf(email: string): Promise<Watermark | undefined>;
  /**
   * Deletes the subscriber and their delivery rows and records only a hash of the address, so
   * an import cannot bring them back by mistake. Returns how many delivery rows went.
   */
  erase(email: string, at: string): Promise<{ deliveries: number }>;
}
