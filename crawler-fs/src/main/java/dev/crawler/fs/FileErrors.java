package dev.crawler.fs;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Short, human reasons for filesystem failures, in the words of {@code find} and {@code ls}. */
public final class FileErrors {
  private FileErrors() {}

  /**
   * Why a directory could not be listed, without the path.
   *
   * @param failure what listing it threw
   * @return a reason such as "Permission denied"
   */
  public static String reason(Exception failure) {
    if (failure instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (failure instanceof FileSystemLoopException) {
      return "File system loop: a link to one of its own ancestors (not entered)";
    }
    if (failure instanceof NoSuchFileException) {
      return "No such file or directory (it vanished during the crawl)";
    }
    if (failure instanceof NotDirectoryException) {
      return "Not a directory (it changed during the crawl)";
    }
    if (failure instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    String message = failure.getMessage();
    return message == null ? failure.getClass().getSimpleName() : message;
  }
}
