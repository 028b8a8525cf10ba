import { createContext, useContext } from 'react';

/** Opens the conversation's image viewer at one attachment (from a message's preview). */
export const ImageViewerContext = createContext<(attachmentId: string) => void>(() => {});

export const useOpenImage = () => useContext(ImageViewerContext);
