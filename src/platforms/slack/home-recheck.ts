// The Home tab's Re-check button (home-view.ts): the press goes through the app's one pipeline
// (onButton: acknowledged, limited, failures in the one wording) like a result's Re-check, and its
// results go in a direct message with the person (conversations.open, im:write): a Home has no
// thread to answer in.
import type { App, BlockAction, ButtonAction as SlackButton } from "@slack/bolt";
import type { ButtonPress, Origin } from "../../chat/types.js";
import type { HomeDeps } from "./app-home.js";
import { readSlackButton } from "./buttons.js";
import { HOME_RECHECK_ACTION } from "./home-view.js";
import { withRateLimitWait } from "./rate-limit-wait.js";

export function registerHomeRecheck(app: App, deps: HomeDeps): void {
  app.action<BlockAction<SlackButton>>(HOME_RECHECK_ACTION, async ({ ack, body, action }) => {
    await ack();
    const user = body.user.id;
    const press: ButtonPress = {
      platform: "slack",
      requestId: `slack:home:${body.trigger_id}`,
      channel: "",
      user,
      userName: (body.user.username ?? body.user.name ?? user).slice(0, 80),
      action: readSlackButton("rdns_recheck", action.value),
    };
    if (!(await deps.claimOnce(press.requestId))) return;
    let dm: string | null = null;
    const direct = async () => {
      if (dm === null) {
        const opened = await deps.client.conversations.open({ users: user });
        dm = opened.channel?.id ?? null;
        if (dm === null) throw new Error("conversations.open named no channel");
      }
      return dm;
    };
    await deps
      .handlers()
      .onButton(
        { ...press, channel: await direct() },
        {
          async replyPrivately(message) {
            await withRateLimitWait(async () => deps.sender.post(await direct(), message));
          },
          async thread(): Promise<Origin> {
            const channel = await direct();
            const posted = await withRateLimitWait(() =>
              deps.sender.post(channel, { kind: "notice", text: "Re-checking from your Home." }),
            );
            return { platform: "slack", channel, thread: posted, parent: null };
          },
        },
      )
      .catch((error: unknown) => deps.logger.error({ err: error }, "Home re-check failed"));
  });
}
