// What the share bar tells the user: the outcome of opening a link, of copying, exporting and importing.
import { create } from 'zustand';
import type { ResultsDocument } from '../../engine/experiment/results';
import { addNotice } from '../notices/noticeList';

export interface ShareNotice {
  kind: 'info' | 'error';
  text: string;
  /** A button beside the message that does what it suggests (e.g. save the results file a link could not carry). */
  action?: { label: string; run(): void };
}

interface ShareState {
  notices: ShareNotice[];
  /** The last link copied, shown so it can be copied by hand where the clipboard is refused. */
  lastLink: string | null;
  /**
   * The results of the last run in this tab, whose trained models the worker keeps for export. Results opened from a
   * file, a link or the run history are other objects: their models are not in the worker.
   */
  trainedResults: ResultsDocument | null;
}

export const useShareStore = create<ShareState>()(() => ({ notices: [], lastLink: null, trainedResults: null }));

export const notify = (kind: ShareNotice['kind'], text: string, action?: ShareNotice['action']) =>
  useShareStore.setState((s) => ({ notices: addNotice(s.notices, action ? { kind, text, action } : { kind, text }) }));
export const clearNotices = () => useShareStore.setState({ notices: [] });
