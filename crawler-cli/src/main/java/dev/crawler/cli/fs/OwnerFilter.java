package dev.crawler.cli.fs;

import dev.crawler.cli.common.UserError;
import dev.crawler.fs.FileEntry;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * fd's {@code --owner [!]USER[:[!]GROUP]}: entries owned by a user and/or a group, by name or
 * number, as find's {@code -user} and {@code -group} (with {@code !}, {@code ! -user}). A link is
 * judged by its own owner unless links are followed, as find does. Costs one {@code lstat} per
 * entry. Immutable and thread-safe.
 */
final class OwnerFilter {
  /** {@code null} when the owner is not asked about. */
  private final UserPrincipal user;

  private final boolean notUser;

  /** {@code null} when the group is not asked about. */
  private final GroupPrincipal group;

  private final boolean notGroup;

  private OwnerFilter(UserPrincipal user, boolean notUser, GroupPrincipal group, boolean notGroup) {
    this.user = user;
    this.notUser = notUser;
    this.group = group;
    this.notGroup = notGroup;
  }

  /**
   * The filter for {@code --owner}'s value.
   *
   * @throws UserError if it names nobody, or a user or group this system does not know
   */
  static OwnerFilter of(String value) throws UserError {
    int colon = value.indexOf(':');
    String userPart = colon < 0 ? value : value.substring(0, colon);
    String groupPart = colon < 0 ? "" : value.substring(colon + 1);
    boolean notUser = userPart.startsWith("!");
    boolean notGroup = groupPart.startsWith("!");
    String userName = notUser ? userPart.substring(1) : userPart;
    String groupName = notGroup ? groupPart.substring(1) : groupPart;
    if (userName.isEmpty() && groupName.isEmpty()
        || colon >= 0 && value.indexOf(':', colon + 1) >= 0) {
      throw new UserError(
          "--owner takes USER, :GROUP or USER:GROUP (names or numbers, ! before one to leave it "
              + "out), like --owner alice or --owner '!root:staff', not '"
              + value
              + "'");
    }
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    try {
      UserPrincipal user = userName.isEmpty() ? null : lookup.lookupPrincipalByName(userName);
      GroupPrincipal group =
          groupName.isEmpty() ? null : lookup.lookupPrincipalByGroupName(groupName);
      return new OwnerFilter(user, notUser, group, notGroup);
    } catch (UserPrincipalNotFoundException e) {
      throw new UserError(
          "--owner: no "
              + (e.getName().equals(userName) ? "user" : "group")
              + " named '"
              + e.getName()
              + "' on this system");
    } catch (IOException e) {
      throw new UserError("--owner: cannot look up '" + value + "': " + e.getMessage());
    }
  }

  /**
   * Whether the entry's owner and group are as asked; {@code false} if they cannot be read.
   *
   * @param followLinks whether links are followed: a link is then judged by its target
   */
  boolean test(FileEntry entry, boolean followLinks) {
    PosixFileAttributes attributes;
    try {
      attributes =
          followLinks
              ? Files.readAttributes(entry.path(), PosixFileAttributes.class)
              : Files.readAttributes(
                  entry.path(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
    return (user == null || attributes.owner().equals(user) != notUser)
        && (group == null || attributes.group().equals(group) != notGroup);
  }
}
