// What the share bar tells the user: the outcome of opening a link, of copying, exporting and importing.
import { create } from 'zustand';

export interface ShareNotice {
  kind: 'info' | 'error';
  text: string;
}

interface ShareState {
  notices: ShareNotice[];
  /** The last link copied, shown so it can be copied by hand where the clipboard is refused. */
  lastLink: string | null;
}

export const useShareStore = create<ShareState>()(() => ({ notices: [], lastLink: null }));

export const notify = (kind: ShareNotice['kind'], text: string) => useShareStore.setState((s) => ({ notices: [...s.notices.slice(-3), { kind, text }] }));
export const clearNotices = () => useShareStore.setState({ notices: [] });
