using System.CommandLine;
using RobotActors.Devices.Cameras;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors find-cameras`: the video devices of this machine (LeRobot's lerobot-find-cameras).</summary>
public static class FindCamerasCommand
{
    public static Command Create()
    {
        var command = new Command("find-cameras", "List the V4L2 video devices (/dev/video*) with their names.");
        command.SetAction(_ =>
        {
            var devices = CameraFinder.List();
            if (devices.Count == 0)
            {
                Console.WriteLine("No cameras found (no /dev/video*). Plug in a USB camera, or replay an image folder with a camera of type \"folder\".");
                return;
            }
            foreach (var d in devices)
                Console.WriteLine($"{d.Path,-14} {d.Name}{(d.IsCapture ? "" : "  (metadata node, no frames)")}");
            Console.WriteLine("Use a device in a LeRobot camera config as {\"type\": \"opencv\", \"index_or_path\": 0 (or \"/dev/video0\"), \"width\": 640, \"height\": 480, \"fps\": 30, \"fourcc\": \"MJPG\"}; frames are captured through ffmpeg.");
        });
        return command;
    }
}
